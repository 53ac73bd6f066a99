import { linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { RecordingReporter } from '../../../src/core/index.js'
import { buildImage } from '../../../src/docker/index.js'
import {
  dockerCli,
  dockerServices,
  imageFiles,
  removeImages,
  removeTempDirs,
  run,
  tempDir,
  testEngine,
  uniqueName
} from '../../helpers/docker.js'

/**
 * Acceptance: one tricky context, built once by the docker CLI (classic
 * builder, same daemon) and once by stackci; both images must hold the
 * same files under /ctx.
 */
const IGNORE = [
  '# comments and blank lines are skipped',
  '',
  '   ',
  'secret.env', //                        1. a plain name
  '/build', //                             2. a leading slash
  'logs/', //                              3. a trailing slash
  '*.tmp', //                              4. * in the top directory only
  '**/*.pyc', //                           5. ** in front
  'data/**/raw', //                        6. ** in the middle
  'node_modules/**', //                    7. ** at the end (keeps the directory)
  'docs', //                               8. a directory ...
  '!docs/api', //                          9. ... reopened by an exception
  '!docs/api/**', //                      10. its contents reopened
  'docs/api/private.md', //               11. a later pattern wins again
  'vendor', //                            12. a directory ...
  '!**/LICENSE', //                       13. ... that ** cannot reopen
  'src/?.py', //                          14. ? for one character
  'src/[ab]*.c', //                       15. a character class
  'weird/star\\*.txt', //                 16. an escaped *
  './tests/../tests/fixtures', //         17. ./ and ../ cleaned
  '  notes.txt  ', //                     18. surrounding spaces trimmed
  '!important.tmp', //                    19. an exception to *.tmp
  'Dockerfile', //                        20. the Dockerfile itself
  '.dockerignore', //                     21. .dockerignore itself
  'links/dangling' //                     22. a symlink by name
].join('\n')

const FILES = [
  'Dockerfile',
  'secret.env',
  'keep/secret.env',
  'build/out.o',
  'src/build/keep.c',
  'logs/today.log',
  'a.tmp',
  'important.tmp',
  'sub/b.tmp',
  'pkg/mod.pyc',
  'pkg/deep/er/mod.pyc',
  'pkg/mod.py',
  'data/raw',
  'data/2024/raw/x.fits',
  'data/2024/cooked/x.fits',
  'node_modules/left/index.js',
  'docs/guide.md',
  'docs/api/index.md',
  'docs/api/private.md',
  'docs/api/v1/ref.md',
  'vendor/lib/LICENSE',
  'vendor/lib/code.c',
  'LICENSE',
  'src/a.py',
  'src/ab.py',
  'src/abc.c',
  'src/bcd.c',
  'src/cde.c',
  'weird/star*.txt',
  'weird/starx.txt',
  'tests/fixtures/f.json',
  'tests/unit/u.json',
  'notes.txt',
  'dir with space/(parens)+{braces}$.txt',
  'ünïcødé/ok.txt'
]

it('builds the same /ctx tree as the docker CLI', async () => {
  const services = dockerServices()
  const engine = await testEngine()
  const dir = tempDir('stackci-tricky-')
  for (const f of FILES) {
    mkdirSync(dirname(join(dir, f)), { recursive: true })
    writeFileSync(join(dir, f), f === 'Dockerfile' ? '' : `${f}\n`)
  }
  writeFileSync(
    join(dir, 'Dockerfile'),
    `FROM ${services.baseImage}\nCOPY . /ctx/\n`
  )
  mkdirSync(join(dir, 'links'))
  symlinkSync('../notes.txt', join(dir, 'links/dangling'))
  symlinkSync('../LICENSE', join(dir, 'links/license'))
  linkSync(join(dir, 'pkg/mod.py'), join(dir, 'pkg/hardlink.py'))
  mkdirSync(join(dir, 'empty/dir'), { recursive: true })
  writeFileSync(join(dir, '.dockerignore'), `${IGNORE}\n`)
  expect(
    IGNORE.split('\n').filter((l) => l.trim() && !l.startsWith('#')).length
  ).toBeGreaterThanOrEqual(15)

  const name = uniqueName('stackci-test/ignore')
  const cliRef = `${name}:cli`
  const oursRef = `${name}:stackci`
  try {
    const cli = await run(
      dockerCli(),
      ['build', '--no-cache', '-t', cliRef, dir],
      {
        env: {
          ...process.env,
          DOCKER_HOST: services.host,
          DOCKER_BUILDKIT: '0'
        }
      }
    )
    expect(cli.code).toBe(0)
    await buildImage(
      engine,
      { context: dir, tags: [oursRef], noCache: true },
      new RecordingReporter()
    )
    const cliFiles = await imageFiles(engine, cliRef, 'ctx')
    const ourFiles = await imageFiles(engine, oursRef, 'ctx')
    expect(ourFiles).toEqual(cliFiles)
    // The list is the tricky part, so pin what it must (and must not) hold.
    expect(ourFiles).toEqual(
      expect.arrayContaining([
        'ctx/important.tmp',
        'ctx/docs/api/index.md',
        'ctx/docs/api/v1/ref.md',
        'ctx/node_modules',
        'ctx/src/build/keep.c',
        'ctx/weird/starx.txt',
        'ctx/pkg/hardlink.py',
        'ctx/links/license',
        'ctx/empty/dir'
      ])
    )
    for (const gone of [
      'ctx/Dockerfile',
      'ctx/.dockerignore',
      'ctx/secret.env',
      'ctx/docs/guide.md',
      'ctx/docs/api/private.md',
      'ctx/vendor',
      'ctx/node_modules/left',
      'ctx/weird/star*.txt',
      'ctx/links/dangling',
      'ctx/pkg/deep/er/mod.pyc'
    ]) {
      expect(ourFiles).not.toContain(gone)
    }
  } finally {
    await removeImages(engine, [cliRef, oursRef])
    removeTempDirs()
  }
})
