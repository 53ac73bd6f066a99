import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SqliteStore } from '../../../src/metrics/index.js'
import { SlackEmulator } from '../../emulators/slack/server.js'
import { runCli } from '../../helpers/cli.js'
import { dispatchJob, tempDir } from '../../helpers/metrics.js'

const definitions = join(process.cwd(), 'examples', 'stack')

describe('stackci alerts check|watch (the real binary, the Slack emulator)', () => {
  let slack: SlackEmulator
  let dir: string
  let env: Record<string, string>
  beforeAll(async () => {
    slack = new SlackEmulator({
      channels: [{ name: 'alerts', id: 'C0ALERTS' }],
      rateLimits: false
    })
    await slack.start()
    dir = tempDir('stackci-alerts-cli-')
    const store = new SqliteStore(join(dir, 'metrics.sqlite'))
    await store.write(
      dispatchJob(
        'failing',
        { 'skyprobe.astrom_rms': 80 },
        { time: Date.now() - 3_600_000, dataset: 'field_a', unit: 'marcsec' }
      )
    )
    await store.close()
    writeFileSync(
      join(dir, 'stackci.yml'),
      `version: 1
slack: { channel: alerts }
verify: { definitions: ${JSON.stringify(definitions)} }
metrics: { stores: { sqlite: { path: metrics.sqlite } } }
alerts:
  - { name: astrom-minimum, kind: threshold, metrics: [skyprobe.astrom_rms] }
`
    )
    env = {
      STACKCI_SLACK_API_URL: `${slack.url}/api/`,
      SLACK_BOT_TOKEN: 'xoxb-test-token'
    }
  })
  afterAll(async () => {
    await slack.stop()
  })

  it('check announces a firing once across processes; the state is in the store', async () => {
    const first = await runCli(['alerts', 'check', '--config', 'stackci.yml'], {
      cwd: dir,
      env
    })
    expect([first.code, first.stderr]).toEqual([0, ''])
    expect(first.stdout).toMatch(
      /^firing {3}skyprobe\.astrom_rms \[field_a\] on main {2}\(astrom-minimum:skyprobe\.astrom_rms\|field_a\|\|@main, was ok, firing announced\)\n/
    )
    const second = await runCli(
      ['alerts', 'check', '--config', 'stackci.yml', '--fail-on-firing'],
      { cwd: dir, env }
    )
    expect(second.code).toBe(1)
    expect(second.stdout).toContain('1 firing, 0 change(s)')
    expect(slack.messages).toHaveLength(1)
  })

  it('watch runs a pass every interval and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        join(process.cwd(), 'bin', 'stackci.js'),
        'alerts',
        'watch',
        '--interval',
        '1s',
        '--config',
        'stackci.yml'
      ],
      { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env } }
    )
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString()
        // Two passes seen: stop it.
        if ((stdout.match(/alert\(s\) evaluated/g) ?? []).length === 2) {
          child.kill('SIGTERM')
          resolve()
        }
      })
    })
    const code = await new Promise<number | null>((resolve) =>
      child.on('close', resolve)
    )
    expect(code).toBe(0)
    expect(stderr).toContain('stopped after 2 pass(es)')
    expect(slack.messages).toHaveLength(1)
  })
})
