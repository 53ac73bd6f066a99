/**
 * The rooms of docs/architecture.md and which may import which, checked
 * against the imports in src/ (static and dynamic, types included: a type
 * import is a dependency on the room that declares it).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const SRC = resolve('src')

/** Every room but cli, bridge and alerts: what the pipeline may import. */
const PIPELINE_MAY_IMPORT = [
  'core',
  'verify',
  'lint',
  'jenkins',
  'docker',
  'notify',
  'metrics',
  'report',
  'integration'
]

/** The table in docs/architecture.md. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  verify: ['core'],
  lint: ['core', 'verify'],
  jenkins: ['core'],
  docker: ['core'],
  notify: ['core', 'verify', 'jenkins'],
  metrics: ['core', 'verify', 'notify'],
  report: ['core', 'verify', 'metrics'],
  integration: ['core', 'verify', 'docker', 'metrics'],
  alerts: ['core', 'verify', 'metrics', 'notify'],
  bridge: ['core', 'jenkins', 'notify'],
  pipeline: PIPELINE_MAY_IMPORT,
  cli: [...PIPELINE_MAY_IMPORT, 'alerts', 'bridge', 'pipeline']
}

interface Import {
  file: string
  line: number
  target: string
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : []
  )
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8')
  const out: Import[] = []
  const re = /(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? ''
    out.push({
      file: relative(SRC, file),
      line: text.slice(0, m.index).split('\n').length,
      target: relative(SRC, resolve(dirname(file), spec))
    })
  }
  return out
}

const roomOf = (path: string): string => path.split('/')[0] ?? ''

const all = sources(SRC)
  .filter((f) => relative(SRC, f).includes('/'))
  .flatMap(importsOf)

describe('the rooms of docs/architecture.md', () => {
  it('has every room of src/ in the table', () => {
    const rooms = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()
    expect(rooms).toEqual(Object.keys(MAY_IMPORT).sort())
  })

  it('imports only from the rooms each may import', () => {
    const wrong = all
      .filter((i) => {
        const from = roomOf(i.file)
        const to = roomOf(i.target)
        return from !== to && !(MAY_IMPORT[from] ?? []).includes(to)
      })
      .map((i) => `${i.file}:${i.line} imports ${i.target}`)
    expect(wrong).toEqual([])
  })

  it('keeps notify a leaf: nothing from metrics', () => {
    expect(
      all
        .filter((i) => roomOf(i.file) === 'notify')
        .filter((i) => roomOf(i.target) === 'metrics')
    ).toEqual([])
  })

  it('has signal handling in core only', () => {
    const declaring = (re: RegExp): string[] =>
      sources(SRC)
        .filter((f) => re.test(readFileSync(f, 'utf8')))
        .map((f) => relative(SRC, f))
    expect(declaring(/class CancelledError\b/)).toEqual(['core/signals.ts'])
    expect(declaring(/function abortOnSignals\b/)).toEqual(['core/signals.ts'])
    // Nothing outside jenkins can reach it through jenkins either.
    expect(readFileSync(join(SRC, 'jenkins/index.ts'), 'utf8')).not.toMatch(
      /signals/
    )
  })

  it("names each room's public surface (no export * in a barrel)", () => {
    const star = Object.keys(MAY_IMPORT)
      .filter((room) => room !== 'cli')
      .filter((room) =>
        /^export \*/m.test(readFileSync(join(SRC, room, 'index.ts'), 'utf8'))
      )
    expect(star).toEqual([])
  })

  it('declares Env once', () => {
    const declared = sources(SRC)
      .filter((f) => /^(export )?type Env\b/m.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f))
    expect(declared).toEqual(['core/env.ts'])
  })
})
