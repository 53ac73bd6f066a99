/**
 * `stackci notebook run` on the real engine, in the Python base image with
 * Debian's Jupyter: parameters injected and typed (the notebook asserts
 * them), the run identity, the history exported from a real SQLite store,
 * this run's jobs and a dataset mounted read-only; a failing cell; the
 * timeout; and nothing written outside the output directory reaching the
 * host. No container of a run is left in any case.
 */

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../../helpers/cli.js'
import {
  dockerServices,
  removeTempDirs,
  tempDir,
  testEngine
} from '../../helpers/docker.js'
import {
  containersOfRun,
  makeDataset,
  pythonBaseImage
} from '../../helpers/integration.js'
import { dispatchInto, goodRun, writeRunJobs } from '../../helpers/report.js'

const services = dockerServices()
const engine = await testEngine()
const image = pythonBaseImage()
afterAll(removeTempDirs)
const env = { DOCKER_HOST: services.host }

/** Writes an nbformat 4.5 notebook of code cells (`#md` first line: Markdown). */
function notebook(
  dir: string,
  name: string,
  cells: { source: string; tags?: string[] }[]
): string {
  const file = join(dir, `${name}.ipynb`)
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3' } },
    cells: cells.map((c, i) => {
      const md = c.source.startsWith('#md ')
      return {
        id: `c${i}`,
        cell_type: md ? 'markdown' : 'code',
        metadata: c.tags === undefined ? {} : { tags: c.tags },
        source: md ? c.source.slice(4) : c.source,
        ...(md ? {} : { outputs: [], execution_count: null })
      }
    })
  }
  writeFileSync(file, JSON.stringify(nb))
  return file
}

it('injects typed parameters and the run identity, and gives the history, the jobs and the datasets read-only; only the output directory comes back', async () => {
  const dir = tempDir('stackci-notebook-')
  const store = join(dir, 'metrics.sqlite')
  await dispatchInto(store, writeRunJobs(dir, 1, goodRun()))
  const job = writeRunJobs(tempDir('stackci-jobs-'), 2, goodRun().slice(0, 1))
  const dataset = makeDataset({ 'hello.txt': 'hi' })
  const file = notebook(dir, 'checks', [
    {
      source:
        'n = 1\nx = 0.5\nflag = False\nlabel = "a"\nitems = []\nmissing = 7',
      tags: ['parameters']
    },
    {
      source: [
        'assert n == 42 and type(n) is int, repr(n)',
        'assert x == 2.5 and type(x) is float, repr(x)',
        'assert flag is True and label == "w 48" and items == [1, "b"]',
        'assert missing == 7',
        'assert run_id == "nb-it-1" and release_tag == "w_2026_48" and git_sha == "abc123"',
        'assert image_digest.startswith("sha256:"), image_digest',
        'print("PARAMS-OK")'
      ].join('\n')
    },
    {
      source: [
        'import glob, json, os',
        'rows = [json.loads(l) for l in open(history_file)]',
        'assert {r["dataset"] for r in rows} == {"field_a", "field_b"}, rows[:1]',
        'assert {r["releaseTag"] for r in rows} == {"d_2026_01_01"}',
        'found = glob.glob(jobs_dir + "/**/*.verify.json", recursive=True)',
        'assert len(found) == 1, found',
        'specs = json.load(open(specs_file))',
        'assert any(s["metric"] == "skyprobe.astrom_rms" for s in specs)',
        'assert open(datasets["ds1"] + "/hello.txt").read() == "hi"',
        'print("HISTORY-OK", len(rows))'
      ].join('\n')
    },
    {
      source: [
        'open("/tmp/escape.txt", "w").write("x")',
        'for target in [datasets["ds1"] + "/w.txt", history_file + ".new", jobs_dir + "/new.json"]:',
        '    try:',
        '        open(target, "w").write("x")',
        '    except OSError:',
        '        continue',
        '    raise AssertionError("wrote " + target)',
        'open(os.path.join(output_dir, "kept.txt"), "w").write("kept")',
        'open("relative.txt", "w").write("the working directory is the output directory")',
        'print("ISOLATION-OK")'
      ].join('\n')
    }
  ])
  const out = join(dir, 'out')
  const r = await runCli(
    [
      'notebook',
      'run',
      file,
      '--image',
      image,
      '--param',
      'n=42',
      '--param',
      'x=2.5',
      '--param',
      'flag=true',
      '--param',
      'label=w 48',
      '--param',
      'items=[1, "b"]',
      '--history',
      `sqlite:${store}`,
      '--definitions',
      join('examples', 'stack'),
      '--jobs',
      ...job.slice(0, 1),
      '--dataset',
      `ds1=${dataset}`,
      '--run-id',
      'nb-it-1',
      '--release-tag',
      'w_2026_48',
      '--git-sha',
      'abc123',
      '--out',
      out,
      '--timeout',
      '5m'
    ],
    { env }
  )
  expect(r.stderr).not.toMatch(/error/i)
  expect(r.code).toBe(0)
  expect(r.stdout.trim()).toBe(join(out, 'checks.html'))
  expect(readdirSync(out).sort()).toEqual([
    'checks.html',
    'checks.ipynb',
    'checks.log',
    'kept.txt',
    'relative.txt'
  ])
  const html = readFileSync(join(out, 'checks.html'), 'utf8')
  for (const mark of [/PARAMS-OK/, /HISTORY-OK \d+/, /ISOLATION-OK/])
    expect(html).toMatch(mark)
  const executed = JSON.parse(
    readFileSync(join(out, 'checks.ipynb'), 'utf8')
  ) as {
    cells: { metadata: { tags?: string[] }; source: string | string[] }[]
  }
  expect(executed.cells[1]?.metadata.tags).toEqual(['injected-parameters'])
  const injected = [executed.cells[1]?.source ?? ''].flat().join('')
  expect(injected).toContain('n = 42\n')
  expect(injected).toContain('items = [1, "b"]')
  // Nothing came back into the mounted dataset, nor anywhere else.
  expect(readdirSync(dataset)).toEqual(['hello.txt'])
  expect(existsSync(join(out, 'escape.txt'))).toBe(false)
  expect(await containersOfRun(engine, 'nb-it-1')).toEqual([])
})

it('a failing cell: exit 1 naming the cell and the traceback tail, the partial HTML written', async () => {
  const dir = tempDir('stackci-notebook-')
  const file = notebook(dir, 'broken', [
    { source: '#md # A report that breaks' },
    { source: 'print("BEFORE-" + "FAIL")' },
    { source: 'def ratio(a, b):\n    return a / b\n\nratio(1, 0)' },
    { source: 'print("AFTER-" + "FAIL")' }
  ])
  const out = join(dir, 'out')
  const r = await runCli(
    [
      'notebook',
      'run',
      file,
      '--image',
      image,
      '--out',
      out,
      '--run-id',
      'nb-it-2'
    ],
    { env }
  )
  expect(r.code).toBe(1)
  expect(r.stderr).toMatch(
    /broken: cell 3 \(In \[\d+\]\) failed: ZeroDivisionError: division by zero/
  )
  // The tail of the traceback: the line that raised, and the error.
  expect(r.stderr).toMatch(/\| .*return a \/ b/)
  expect(r.stderr).toMatch(/\| ZeroDivisionError: division by zero/)
  expect(r.stderr).toContain(`partial HTML: `)
  const html = readFileSync(join(out, 'broken.html'), 'utf8')
  expect(html).toContain('BEFORE-FAIL')
  expect(html).toContain('ZeroDivisionError')
  expect(html).not.toContain('AFTER-FAIL')
  expect(existsSync(join(out, 'broken.ipynb'))).toBe(true)
  expect(await containersOfRun(engine, 'nb-it-2')).toEqual([])
})

it('the timeout: the container is killed and gone, exit 1', async () => {
  const dir = tempDir('stackci-notebook-')
  const file = notebook(dir, 'slow', [
    { source: 'import time\ntime.sleep(600)' }
  ])
  const r = await runCli(
    [
      'notebook',
      'run',
      file,
      '--image',
      image,
      '--out',
      join(dir, 'out'),
      '--run-id',
      'nb-it-3',
      '--timeout',
      '4s'
    ],
    { env }
  )
  expect(r.code).toBe(1)
  expect(r.stderr).toContain('slow: still running after the timeout of 4')
  expect(await containersOfRun(engine, 'nb-it-3')).toEqual([])
})

it('bad input fails before any container: exit 2 naming the flag', async () => {
  const dir = tempDir('stackci-notebook-')
  const file = notebook(dir, 'any', [{ source: '1' }])
  const r = await runCli(
    [
      'notebook',
      'run',
      file,
      '--image',
      image,
      '--out',
      dir,
      '--param',
      'class=1'
    ],
    { env }
  )
  expect(r.code).toBe(2)
  expect(r.stderr).toContain('--param: "class" is not a Python variable name')
})
