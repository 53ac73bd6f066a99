import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, readlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * scripts/services.sh starts daemons that outlive it. A caller that reads
 * its output through a pipe (`npm run demo | cat`, a CI log, `$(…)`) must see
 * that pipe close as soon as the function returns: no daemon and no waiting
 * shell may hold a copy of it. The shape that hung the demo is a function
 * whose output is redirected (`ensure_demo >&2`, so bash keeps the pipe on a
 * descriptor ≥ 10) starting a daemon in the background.
 */

const script = join(process.cwd(), 'scripts', 'services.sh')

interface Piped {
  code: number | null
  stdout: string
  stderr: string
  /** ms until the pipe reached EOF (the parent saw 'close'). */
  closedAfterMs: number
}

/** Runs bash with stdout and stderr as pipes; resolves when both close. */
async function piped(body: string, limitMs: number): Promise<Piped> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const child = spawn(
      'bash',
      ['-c', `source ${JSON.stringify(script)}\n${body}`],
      {
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      reject(
        new Error(
          `the pipe was still open after ${limitMs} ms (exit ${String(child.exitCode)}): ${stdout}${stderr}`
        )
      )
    }, limitMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, closedAfterMs: Date.now() - started })
    })
  })
}

/** The targets of a process's descriptors (pipes show as `pipe:[inode]`). */
function descriptors(pid: number): string[] {
  const dir = `/proc/${pid}/fd`
  return readdirSync(dir).map((fd) => {
    try {
      return readlinkSync(join(dir, fd))
    } catch {
      return ''
    }
  })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('daemons started by scripts/services.sh', () => {
  it('detach: a function with redirected output starts a daemon and the reader sees EOF at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackci-detach-'))
    const pidfile = join(dir, 'pid')
    const r = await piped(
      `start_it() { echo "starting"; detach ${JSON.stringify(pidfile)} ${JSON.stringify(join(dir, 'log'))} sleep 120; }
       start_it >&2
       echo "returned"`,
      20_000
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('returned\n')
    expect(r.stderr).toContain('starting')
    const pid = Number(readFileSync(pidfile, 'utf8'))
    try {
      // The daemon runs on, holding nothing of the caller's: no pipe at all.
      expect(alive(pid)).toBe(true)
      expect(descriptors(pid).filter((t) => t.startsWith('pipe:'))).toEqual([])
    } finally {
      process.kill(pid, 'SIGTERM')
    }
  })

  it('ensure_influxdb restarts influxd for a caller that reads a pipe, and returns as soon as it answers', async () => {
    const r = await piped(
      `stop_influxdb
       ensure_influxdb >&2
       echo "url=$STACKCI_INFLUXDB_URL"`,
      60_000
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^url=http:\/\/127\.0\.0\.1:\d+\n$/)
    expect(r.stderr).toMatch(/influxd \d+ on http/)
    const pid = Number(
      readFileSync(
        join(
          process.env.STACKCI_RUN_DIR ?? join(tmpdir(), 'stackci-services'),
          'influxdb',
          'pid'
        ),
        'utf8'
      )
    )
    expect(alive(pid)).toBe(true)
    // influxd's own pipes are its business; none may be the caller's stdout,
    // which the test's 'close' event above already proves for the caller.
    const ping = await fetch(`${r.stdout.trim().slice('url='.length)}/ping`)
    expect(ping.status).toBe(204)
  })
})
