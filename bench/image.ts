/**
 * `npm run bench -- image [--files N] [--gib G] [--runs R] [--keep]`:
 * builds one generated context (20,000 files, 1 GiB by default) alternately
 * with `stackci image build` and with `docker build` (the classic builder,
 * DOCKER_BUILDKIT=0), on the same engine, both with --no-cache and the same
 * labels, and prints the median wall time of each and stackci's peak RSS.
 * Aims: ≤ 1.05× docker's wall time; peak RSS ≤ 200 MB whatever the size.
 *
 * Needs a running engine (DOCKER_HOST, STACKCI_DOCKER_HOST, or the local
 * socket) and the docker CLI; `source scripts/services.sh; ensure_docker`
 * starts one.
 */
import { spawn } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { printTable } from './lib/table.js'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const files = arg('files', 20_000)
const gib = arg('gib', 1)
const runs = arg('runs', 3)
const dockerCli = process.env.STACKCI_DOCKER_CLI ?? 'docker'
const host =
  process.env.STACKCI_DOCKER_HOST ??
  process.env.DOCKER_HOST ??
  'unix:///var/run/docker.sock'

/** Mostly small files, a few large ones carrying most of the bytes. */
function generate(dir: string): { files: number; bytes: number } {
  const total = gib * 2 ** 30
  const large = Math.max(1, Math.round(files / 200))
  const small = files - large
  const smallBytes = Math.min(total * 0.2, small * 20_000)
  const block = Buffer.alloc(1 << 20)
  randomFillSync(block)
  let bytes = 0
  for (let i = 0; i < small; i++) {
    const sub = join(
      dir,
      'src',
      `pkg${Math.floor(i / 500)}`,
      `mod${Math.floor(i / 50) % 10}`
    )
    if (i % 50 === 0) mkdirSync(sub, { recursive: true })
    const size = Math.max(
      1,
      Math.round((smallBytes / small) * (0.5 + ((i * 7919) % 100) / 100))
    )
    const ext = i % 97 === 0 ? 'tmp' : 'py'
    writeFileSync(
      join(sub, `f${i}.${ext}`),
      block.subarray(i % 1000, (i % 1000) + size)
    )
    bytes += size
  }
  mkdirSync(join(dir, 'data'), { recursive: true })
  const per = Math.floor((total - bytes) / large)
  for (let i = 0; i < large; i++) {
    const chunks: Buffer[] = []
    for (let left = per; left > 0; left -= block.length) {
      randomFillSync(block, 0, 64)
      chunks.push(Buffer.from(block.subarray(0, Math.min(left, block.length))))
    }
    writeFileSync(join(dir, 'data', `dataset${i}.fits`), Buffer.concat(chunks))
    bytes += per
  }
  writeFileSync(join(dir, '.dockerignore'), '**/*.tmp\n.git\n')
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY . /ctx/\n')
  return { files, bytes }
}

/** Runs a command; returns wall time and the peak RSS (VmHWM) seen. */
async function measure(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv
): Promise<{ ms: number; rssMb: number }> {
  const started = performance.now()
  const child = spawn(command, args, {
    env,
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  let peak = 0
  const poll = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8')
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
      peak = Math.max(peak, kb)
    } catch {
      // exited between polls
    }
  }, 20)
  const code = await new Promise<number | null>((resolve) =>
    child.on('close', resolve)
  )
  clearInterval(poll)
  const ms = performance.now() - started
  if (code !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${code}):\n${stderr}`)
  return { ms, rssMb: peak / 1024 }
}

const LABELS = ['created', 'version', 'title', 'kind']

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stackci-bench-image-'))
  const env = {
    ...process.env,
    DOCKER_HOST: host,
    DOCKER_BUILDKIT: '0',
    NO_COLOR: '1'
  }
  try {
    console.error(`generating ${files} files, ${gib} GiB in ${dir}`)
    const made = generate(dir)
    console.error(
      `generated ${made.files} files, ${(made.bytes / 2 ** 30).toFixed(2)} GiB`
    )
    const ours: { ms: number; rssMb: number }[] = []
    const theirs: { ms: number; rssMb: number }[] = []
    const stackci = async (): Promise<void> => {
      ours.push(
        await measure(
          process.execPath,
          [
            'bin/stackci.js',
            'image',
            'build',
            dir,
            '--kind',
            'sha',
            '--version',
            'bec0000',
            '--no-cache',
            '--docker-host',
            host
          ],
          env
        )
      )
      await measure(dockerCli, ['rmi', '-f', 'stackci/stack:sha-bec0000'], env)
    }
    const docker = async (): Promise<void> => {
      const labels = LABELS.flatMap((l) => [
        '--label',
        `org.opencontainers.image.${l}=bench`
      ])
      theirs.push(
        await measure(
          dockerCli,
          [
            'build',
            '-q',
            '--no-cache',
            '-t',
            'stackci-bench/docker:latest',
            ...labels,
            dir
          ],
          env
        )
      )
      await measure(
        dockerCli,
        ['rmi', '-f', 'stackci-bench/docker:latest'],
        env
      )
    }
    for (let i = 0; i < runs; i++) {
      // Alternate who goes first, so neither always gets the warmer cache.
      if (i % 2 === 0) {
        await stackci()
        await docker()
      } else {
        await docker()
        await stackci()
      }
      console.error(
        `run ${i + 1}/${runs}: stackci ${(ours.at(-1)?.ms ?? 0).toFixed(0)} ms, docker ${(theirs.at(-1)?.ms ?? 0).toFixed(0)} ms`
      )
    }
    const median = (xs: number[]): number =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
    const wallOurs = median(ours.map((r) => r.ms)) / 1000
    const wallTheirs = median(theirs.map((r) => r.ms)) / 1000
    const rss = Math.max(...ours.map((r) => r.rssMb))
    const rssDocker = Math.max(...theirs.map((r) => r.rssMb))
    printTable(
      `image build: ${made.files} files, ${(made.bytes / 2 ** 30).toFixed(2)} GiB, median of ${runs} (stackci vs docker build, classic builder)`,
      [
        {
          metric: 'wall time',
          ours: wallOurs,
          baseline: wallTheirs,
          unit: 's',
          aim: '≤ 1.05×',
          met: wallOurs <= wallTheirs * 1.05
        },
        {
          metric: 'peak RSS (client process)',
          ours: rss,
          baseline: rssDocker,
          unit: 'MB',
          aim: 'ours ≤ 200 MB',
          met: rss <= 200
        }
      ]
    )
  } finally {
    if (!process.argv.includes('--keep'))
      rmSync(dir, { recursive: true, force: true })
  }
}

await main()
