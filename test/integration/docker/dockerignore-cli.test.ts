import fc from 'fast-check'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { listContext } from '../../../src/docker/context.js'
import { CaptureDaemon } from '../../helpers/capture-daemon.js'
import { dockerCli } from '../../helpers/docker.js'

/**
 * Differential tests against the real docker CLI: the CLI packs the context
 * and sends it to a capture socket (no daemon involved), and stackci must
 * list the very same entries, in the same order, for hand-picked and for
 * generated trees and .dockerignore files.
 */
const cliPath = dockerCli()
const daemon = new CaptureDaemon()
const roots: string[] = []

beforeAll(async () => {
  await daemon.start()
})
afterAll(async () => {
  await daemon.stop()
  for (const r of roots) rmSync(r, { recursive: true, force: true })
})

function tree(files: string[], ignore: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackci-ignore-'))
  roots.push(dir)
  for (const f of ['Dockerfile', ...files]) {
    mkdirSync(dirname(join(dir, f)), { recursive: true })
    writeFileSync(join(dir, f), f)
  }
  writeFileSync(join(dir, '.dockerignore'), ignore)
  return dir
}

async function both(
  dir: string,
  dockerfile?: string
): Promise<[string[], string[]]> {
  const cli = await daemon.cliContext(cliPath, dir, dockerfile)
  const ours = (await listContext({ dir, dockerfile })).map((e) => e.name)
  return [ours, cli]
}

const FILES = [
  'a/b/c.txt',
  'a/keep.md',
  'a/b/keep.md',
  'docs/x.md',
  'docs/keep/y.md',
  'z.log',
  'sub/z.log',
  'sub/deep/er/z.log',
  '.git/config',
  'src/main.py',
  'src/test_main.py',
  'build/out.o',
  'node_modules/pkg/index.js',
  'docker/Dockerfile.ci',
  'weird name/(x)+{y}$.txt',
  'ünï/çødé.txt'
]

it.each([
  ['plain names and dirs', 'docs\nz.log\n'],
  ['a leading slash and ./ ../ segments', '/docs\n./a/../z.log\nsub/./deep\n'],
  ['** in front, middle and end', '**/*.log\na/**/keep.md\nnode_modules/**\n'],
  ['exceptions that reopen a directory', 'docs\n!docs/keep\n!docs/keep/y.md\n'],
  ['exceptions that cannot reopen a skipped directory', 'a\n!**/keep.md\n'],
  [
    'the Dockerfile and .dockerignore themselves',
    'Dockerfile\n.dockerignore\n*\n!src\n'
  ],
  [
    'comments, blanks, spaces and a BOM',
    '\uFEFF# comment\n\n   \n  z.log  \n #not a comment\n'
  ],
  ['classes and ?', 'sub/[a-z]*\n?.log\n[!.]*/*.md\n'],
  ['regexp characters in names', 'weird name/(x)+{y}$.txt\n'],
  ['everything but one file', '*\n!src/main.py\n'],
  ['last match wins', '*.md\n!docs/*.md\ndocs/x.md\n'],
  ['a nested Dockerfile ignored by its directory', 'docker\n']
])('sends what the docker CLI sends: %s', async (_name, ignore) => {
  const dir = tree(FILES, ignore)
  const dockerfile = ignore.startsWith('docker\n')
    ? join(dir, 'docker', 'Dockerfile.ci')
    : undefined
  const [ours, cli] = await both(dir, dockerfile)
  expect(ours).toEqual(cli)
})

it('agrees with the docker CLI on generated trees and patterns', async () => {
  const segment = fc.constantFrom(
    'a',
    'b',
    'keep',
    'x.md',
    'y.log',
    '.h',
    'Dockerfile',
    'c c'
  )
  const file = fc
    .array(segment, { minLength: 1, maxLength: 4 })
    .map((s) => s.join('/'))
  const patternPart = fc.constantFrom(
    'a',
    'b',
    'keep',
    '*',
    '**',
    '?',
    '*.md',
    'x.*',
    '[ab]',
    '[^a]*',
    '.h',
    'c c',
    '.',
    '..',
    ''
  )
  const pattern = fc
    .tuple(
      fc.constantFrom('', '!', '/', '!/', '# ', ' '),
      fc.array(patternPart, { minLength: 1, maxLength: 4 }),
      fc.constantFrom('', '/', ' ')
    )
    .map(([pre, parts, post]) => `${pre}${parts.join('/')}${post}`)
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(file, { minLength: 1, maxLength: 12 }),
      fc.array(pattern, { minLength: 1, maxLength: 8 }),
      async (files, patterns) => {
        // A file may not also be a directory in the generated tree.
        const usable = files.filter(
          (f) =>
            !files.some((g) => g.startsWith(`${f}/`)) &&
            f.split('/')[0] !== 'Dockerfile'
        )
        const dir = tree(usable, `${patterns.join('\n')}\n`)
        const [ours, cli] = await Promise.allSettled([
          listContext({ dir }).then((l) => l.map((e) => e.name)),
          daemon.cliContext(cliPath, dir)
        ])
        // A pattern both reject (a bare "!") fails both; otherwise the
        // entries must be the same.
        const outcome = (r: PromiseSettledResult<string[]>): unknown =>
          r.status === 'fulfilled' ? r.value : 'rejected'
        expect(outcome(ours)).toEqual(outcome(cli))
      }
    ),
    { numRuns: 150 }
  )
})
