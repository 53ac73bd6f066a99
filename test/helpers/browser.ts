/**
 * Debian's chromium driven by playwright-core, for tests that open the HTML
 * report: headless, no sandbox (CI runs as root), a fresh profile, and the
 * network cut off — the browser is offline and every request that is not
 * the page's own file is aborted and recorded.
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export interface Browser {
  context: BrowserContext
  close(): Promise<void>
}

/** The chromium executable from STACKCI_CHROMIUM; fails loudly without it. */
export function chromiumPath(): string {
  const path = process.env.STACKCI_CHROMIUM
  if (path === undefined || path === '') {
    throw new Error(
      'STACKCI_CHROMIUM is not set: run the tests through `npm test`, or `source scripts/services.sh; ensure_chromium` first'
    )
  }
  return path
}

export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'stackci-chromium-'))
  // launchPersistentContext passes `--user-data-dir=<profile>`: a fresh
  // profile each run, removed afterwards.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_FLAGS,
    offline: true,
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    timeout: 60_000
  })
  return {
    context,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    }
  }
}

export interface OpenedPage {
  page: Page
  /** Requests other than the page itself (all aborted). */
  blocked: string[]
  /** Console errors and uncaught exceptions. */
  errors: string[]
}

/**
 * Opens a local file with every other request blocked and recorded, but
 * those `allow` lets through (the report's own data files).
 */
export async function openFile(
  browser: Browser,
  url: string,
  allow: (target: string) => boolean = () => false
): Promise<OpenedPage> {
  const page = await browser.context.newPage()
  const blocked: string[] = []
  const errors: string[] = []
  await page.route('**/*', async (route) => {
    const target = route.request().url()
    if (target === url || allow(target)) {
      await route.continue()
    } else {
      blocked.push(target)
      await route.abort('blockedbyclient')
    }
  })
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(url)
  return { page, blocked, errors }
}
