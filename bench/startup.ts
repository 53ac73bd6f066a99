/**
 * `npm run bench -- startup [--repeats N] [--show]`: the cold start of every
 * action bundle — from spawning `node dist/index.cjs` with valid inputs to
 * the first line the action prints *about its work* (its plan, the group it
 * opens, the definitions it loaded) — against `node -e 'console.log(0)'`
 * measured the same way, in alternating order. Aim: ≤ 1.5× the baseline and
 * ≤ 150 ms. The same for the `stackci` CLI (`bin/stackci.js`) on the same
 * workspace, which loads only the chosen command's module: its rows have no
 * aim yet and show what the lazy commands buy.
 *
 * Every bundle gets a real workspace: verify definitions and a job, a lint
 * tree, a build context, a dataset on the busybox base image, a Jenkins URL
 * on the local emulator. A run whose first words are an error (a missing
 * input) measures nothing useful, so such runs are counted apart and never
 * mixed into the medians. `--show` prints what each bundle said first.
 */
import { spawn } from 'node:child_process'
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  writeFileSync
} from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { JenkinsEmulator } from '../test/emulators/jenkins/index.js'
import { ensureDockerEnv } from './lib/services.js'
import { printTable, type Row } from './lib/table.js'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const repeats = arg('repeats', 15)
const show = process.argv.includes('--show')
const root = process.cwd()
const stack = join(root, 'examples', 'stack')

// --- the workspace every bundle runs in ------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'stackci-startup-'))
for (const f of ['output', 'state', 'summary']) writeFileSync(join(dir, f), '')
writeFileSync(join(dir, 'event.json'), '{}')
mkdirSync(join(dir, 'jobs'))
for (const f of readdirSync(join(stack, 'jobs')))
  cpSync(join(stack, 'jobs', f), join(dir, 'jobs', f))
mkdirSync(join(dir, 'pkg'))
writeFileSync(
  join(dir, 'pkg', 'mod.py'),
  'import os\n\n\ndef sep():\n    return os.sep\n'
)
writeFileSync(join(dir, 'pkg', 'Dockerfile'), 'FROM scratch\nCOPY mod.py /\n')
mkdirSync(join(dir, 'data', 'field_a'), { recursive: true })
writeFileSync(join(dir, 'data', 'field_a', 'stars.csv'), 'ra,dec\n1,2\n')
writeFileSync(
  join(dir, 'stackci.yml'),
  `version: 1\nprofiles:\n  local: { steps: [verify] }\nverify: { definitions: ${JSON.stringify(stack)}, jobs: jobs/*.verify.json }\n`
)

const docker = ensureDockerEnv()
const jenkins = await JenkinsEmulator.start({
  users: { bench: { token: 'bench-token' } }
})
jenkins.addJob('stack-os-matrix', {
  parameters: [{ name: 'STACKCI_RUN_ID' }],
  script: { durationMs: 3_600_000, log: [] }
})

interface Scenario {
  name: string
  /** An action's bundle under actions/, or the CLI's arguments. */
  file: string
  cli?: string[]
  inputs: Record<string, string>
  /** The first line about the action's work. */
  work: RegExp
  /** Stop it once it said so (it would wait on a long build). */
  kill?: boolean
}

const scenarios: Scenario[] = [
  {
    name: 'verify',
    file: 'verify/dist/index.cjs',
    inputs: { definitions: stack, jobs: 'jobs/*.verify.json' },
    work: /^verify: \d+ job files? against /
  },
  {
    name: 'lint',
    file: 'lint/dist/index.cjs',
    inputs: { linters: 'flake8', paths: 'pkg', 'only-changed': 'false' },
    work: /^only-changed is off|^::group::lint: /
  },
  {
    name: 'stack-image',
    file: 'stack-image/dist/index.cjs',
    inputs: {
      kind: 'sha',
      version: 'a1b2c3d',
      context: 'pkg',
      push: 'false',
      'docker-host': docker.host
    },
    // Its plan line, printed before the step's code is read.
    work: /^stack-image: build |^::group::Release tags/
  },
  {
    name: 'integration',
    file: 'integration/dist/index.cjs',
    inputs: {
      image: docker.baseImage,
      datasets: 'field_a=data/field_a',
      command: 'true',
      pull: 'false',
      'results-dir': 'results',
      'docker-host': docker.host
    },
    work: /field_a/
  },
  {
    name: 'integration (post)',
    file: 'integration/dist/post.cjs',
    inputs: {},
    work: /^nothing to clean up|clean/
  },
  {
    name: 'jenkins-build',
    file: 'jenkins-build/dist/index.cjs',
    inputs: {
      url: jenkins.baseUrl,
      job: 'stack-os-matrix',
      user: 'bench',
      token: 'bench-token'
    },
    work: /^::group::Trigger Jenkins job stack-os-matrix/,
    kill: true
  },
  {
    name: 'jenkins-build (post)',
    file: 'jenkins-build/dist/post.cjs',
    inputs: { url: jenkins.baseUrl, job: 'stack-os-matrix' },
    work: /^nothing to stop/
  },
  {
    name: 'dispatch-metrics',
    file: 'dispatch-metrics/dist/index.cjs',
    inputs: {
      definitions: stack,
      jobs: 'jobs/*.verify.json',
      comment: 'false'
    },
    work: /^dispatch-metrics: jobs /
  },
  {
    name: 'pipeline',
    file: 'pipeline/dist/index.cjs',
    inputs: { config: 'stackci.yml', profile: 'local' },
    work: /^stackci local: run /
  },
  {
    name: 'stackci verify check',
    file: 'bin/stackci.js',
    cli: ['verify', 'check', '--definitions', stack, 'jobs'],
    inputs: {},
    work: /^jobs\/\S+\.verify\.json: \d+ passed/
  },
  {
    name: 'stackci dataset run',
    file: 'bin/stackci.js',
    cli: [
      'dataset',
      'run',
      '--image',
      docker.baseImage,
      '--dataset',
      'field_a=data/field_a',
      '--results-dir',
      'results',
      '--no-pull',
      '--docker-host',
      docker.host,
      '--',
      'true'
    ],
    inputs: {},
    work: /^image \S+ .*dataset\(s\)/
  }
]

interface Start {
  /** ms to the first line about the work; undefined for an error run. */
  ms?: number
  first: string
}

const inputEnv = (inputs: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [
      `INPUT_${k.replace(/ /g, '_').toUpperCase()}`,
      v
    ])
  )

/** Spawns node with args; times the first stdout/stderr line matching `work`. */
async function start(
  args: string[],
  inputs: Record<string, string>,
  work: RegExp,
  kill = false
): Promise<Start> {
  const started = performance.now()
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STATE: join(dir, 'state'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
      GITHUB_WORKSPACE: dir,
      RUNNER_TEMP: dir,
      ...inputEnv(inputs)
    }
  })
  const lines: string[] = []
  const result = await new Promise<Start>((resolve) => {
    let settled = false
    const settle = (s: Start): void => {
      if (settled) return
      settled = true
      resolve(s)
    }
    const feed = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) {
        if (line === '' || line.startsWith('::debug::')) continue
        lines.push(line)
        if (work.test(line))
          settle({ ms: performance.now() - started, first: line })
        else if (line.startsWith('::error::') || /required/.test(line))
          settle({ first: line })
      }
    }
    child.stdout.on('data', feed)
    child.stderr.on('data', feed)
    child.once('close', () => {
      settle({ first: lines[0] ?? '(no output)' })
    })
  })
  if (kill) child.kill('SIGKILL')
  await new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(null)
    else child.once('close', resolve)
  })
  return result
}

/** The q-quantile (nearest rank) of a sample: 0.5 median, 0.9 p90. */
const quantile = (xs: number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[
    Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)
  ] ?? NaN

const baselineWork = /^0$/
const baselineArgs = ['-e', 'console.log(0)']
const loadBefore = loadavg()[0]?.toFixed(2) ?? '?'
const baseline: number[] = []
const ours = new Map<string, number[]>()
const errors = new Map<string, string[]>()
const run = async (s: Scenario): Promise<void> => {
  const r = await start(
    s.cli === undefined
      ? [join(root, 'actions', s.file)]
      : [join(root, s.file), ...s.cli],
    s.inputs,
    s.work,
    s.kill
  )
  if (r.ms === undefined) {
    errors.set(s.name, [...(errors.get(s.name) ?? []), r.first])
  } else {
    ours.set(s.name, [...(ours.get(s.name) ?? []), r.ms])
  }
  if (
    show &&
    (ours.get(s.name)?.length ?? 0) + (errors.get(s.name)?.length ?? 0) === 1
  )
    console.log(`${s.name}: ${r.first}`)
}
try {
  // Warm the file cache (and show the first words) before measuring.
  await start(baselineArgs, {}, baselineWork)
  for (const s of scenarios) await run(s)
  ours.clear()
  errors.clear()
  for (let i = 0; i < repeats; i++) {
    const b = await start(baselineArgs, {}, baselineWork)
    if (b.ms !== undefined) baseline.push(b.ms)
    for (const s of scenarios) await run(s)
  }
} finally {
  await jenkins.stop()
}

const rowsAt = (q: number, label: string): Row[] => {
  const base = quantile(baseline, q)
  return scenarios
    .filter((s) => (ours.get(s.name)?.length ?? 0) > 0)
    .map((s) => {
      const t = quantile(ours.get(s.name) ?? [], q)
      return {
        metric: `${s.name}: to its first line about the work (${label})`,
        ours: t,
        baseline: base,
        unit: 'ms',
        ...(s.cli === undefined
          ? { aim: '≤ 1.5× and ≤ 150 ms', met: t / base <= 1.5 && t <= 150 }
          : {})
      }
    })
}
// Cold starts are short and the machine may be shared: say how busy it was.
const loadAfter = loadavg()[0]?.toFixed(2) ?? '?'
console.log(
  `${repeats} alternating cold starts each, valid inputs; baseline: node -e 'console.log(0)'; ` +
    `1-min load average ${loadBefore} before, ${loadAfter} after, on ${availableParallelism()} CPUs`
)
printTable('startup: action bundles and the CLI, median', rowsAt(0.5, 'median'))
console.log('')
printTable('startup: action bundles and the CLI, p90', rowsAt(0.9, 'p90'))
if (errors.size > 0) {
  console.log('\nruns that began with an error (not in the tables above):')
  for (const [name, list] of errors)
    console.log(`- ${name}: ${list.length}× — ${list[0] ?? ''}`)
}
