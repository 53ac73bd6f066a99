import { jest } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ActionsReporter } from '../../../src/core/actions-reporter.js'
import { basicAuthHeader } from '../../../src/core/index.js'

/** Captures what the reporter writes to stdout (the runner reads commands there). */
function capture(): { lines: () => string[]; restore: () => void } {
  const out: string[] = []
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk))
      return true
    })
  return {
    lines: () =>
      out
        .join('')
        .split(/\r?\n/)
        .filter((l) => l !== ''),
    restore: () => {
      spy.mockRestore()
    }
  }
}

describe('the Actions reporter', () => {
  it('registers every form of a secret with the runner before anything is logged, and masks its own output', () => {
    const io = capture()
    try {
      const r = new ActionsReporter()
      const header = basicAuthHeader('bot', 'tok-12345')
      r.mask('tok-12345')
      r.mask(header)
      r.info(`calling with ${header}`)
      r.warning('token tok-12345 is old', { file: 'a.ts', startLine: 2 })
      const lines = io.lines()
      expect(lines.filter((l) => l.startsWith('::add-mask::')).sort()).toEqual(
        [
          '::add-mask::tok-12345',
          `::add-mask::${header}`,
          // the URL-encoded form, %-escaped as workflow commands require
          `::add-mask::${encodeURIComponent(header).replace(/%/g, '%25')}`
        ].sort()
      )
      expect(lines).toContain('calling with ***')
      expect(lines).toContain('::warning file=a.ts,line=2::token *** is old')
    } finally {
      io.restore()
    }
  })

  it('groups with ::group:: / ::endgroup:: even when the work throws', async () => {
    const io = capture()
    try {
      const r = new ActionsReporter()
      await expect(
        r.group('phase', async () => {
          r.info('inside')
          return Promise.reject(new Error('boom'))
        })
      ).rejects.toThrow('boom')
      expect(io.lines()).toEqual(['::group::phase', 'inside', '::endgroup::'])
    } finally {
      io.restore()
    }
  })

  it('appends the job summary to GITHUB_STEP_SUMMARY, masked', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'stackci-ar-')), 'summary.md')
    writeFileSync(file, '')
    process.env.GITHUB_STEP_SUMMARY = file
    const r = new ActionsReporter()
    const io = capture()
    try {
      r.mask('s3cr3t-value')
      await r.summary('| a | s3cr3t-value |')
    } finally {
      io.restore()
    }
    expect(readFileSync(file, 'utf8')).toBe('| a | *** |\n')
  })
})
