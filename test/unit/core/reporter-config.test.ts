import { thrown } from '../../helpers/thrown.js'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import {
  ActionInputs,
  CliReporter,
  ConfigError,
  expandGlobs,
  formatProblem,
  globToRegExp,
  InputError,
  loadStackciConfig,
  loadYamlDocuments,
  locateYamlPath,
  readStackciConfig,
  YamlSyntaxError
} from '../../../src/core/index.js'

class Sink extends Writable {
  text = ''
  isTTY: boolean
  columns = 40
  constructor(tty: boolean) {
    super()
    this.isTTY = tty
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

describe('the CLI reporter', () => {
  it('writes plain, indented, masked lines when not on a terminal', async () => {
    const sink = new Sink(false)
    const r = new CliReporter({ stream: sink })
    r.mask('hunter2')
    await r.group('phase', async () => {
      r.info('password hunter2')
      r.warning('careful', { file: 'a.py', startLine: 3, startColumn: 4 })
      await Promise.resolve()
    })
    r.debug('hidden unless verbose')
    r.error('bad')
    expect(sink.text).toBe(
      '▸ phase\n  password ***\n  a.py:3:4: warning: careful\nerror: bad\n'
    )
  })

  it('redraws progress in place on a terminal, throttled, then closes the line', () => {
    const sink = new Sink(true)
    let now = 0
    const r = new CliReporter({ stream: sink, now: () => now })
    const p = r.progress('jobs', 4)
    p.tick()
    now += 10
    p.tick() // throttled: within 100 ms
    now += 200
    p.update(3, 'almost')
    p.done()
    expect(sink.text).toContain('\r\x1b[Kjobs 1/4 (25%)')
    expect(sink.text).not.toContain('jobs 2/4')
    expect(sink.text).toContain('\r\x1b[Kjobs 3/4 (75%) almost')
    expect(sink.text.endsWith('\r\x1b[Kjobs 3 done in 0.2s\n')).toBe(true)
  })

  it('prints no progress at all for short work when nobody watches', () => {
    const sink = new Sink(false)
    const r = new CliReporter({ stream: sink, now: () => 0 })
    const p = r.progress('jobs', 2)
    p.tick()
    p.tick()
    expect(sink.text).toBe('')
    p.done()
    expect(sink.text).toBe('jobs 2 done in 0.0s\n')
  })

  it('appends the job summary to --summary FILE, masked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackci-summary-'))
    const file = join(dir, 'summary.md')
    const r = new CliReporter({ stream: new Sink(false), summaryFile: file })
    r.mask('s3cr3t')
    await r.summary('# one s3cr3t')
    await r.summary('two')
    expect(readFileSync(file, 'utf8')).toBe('# one ***\ntwo\n')
  })
})

describe('stackci.yml', () => {
  it('loads a valid file and resolves the base directory', () => {
    const config = loadStackciConfig(
      'version: 1\nverify:\n  definitions: verify\n  tags: design\n',
      'ci/stackci.yml'
    )
    expect(config.version).toBe(1)
    expect(config.verify).toEqual({ definitions: 'verify', tags: ['design'] })
    expect(config.baseDir.endsWith('/ci')).toBe(true)
  })

  it('reports every problem at once, with file:line and a fix', () => {
    const text = [
      'version: 2',
      'verify:',
      '  definition: x',
      '  jobs: 5',
      'verfy: {}',
      ''
    ].join('\n')
    const error = thrown(() => loadStackciConfig(text, 'stackci.yml'))
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).problems.map(formatProblem)).toEqual([
      'stackci.yml:5:1 (verfy): unknown key "verfy" (did you mean "verify"?)',
      'stackci.yml:1:10 (version): must be one of 1, got number 2',
      'stackci.yml:3:3 (verify.definition): unknown key "definition" (did you mean "definitions"?)',
      'stackci.yml:3:3 (verify.definitions): missing required key "definitions" (a string)',
      'stackci.yml:4:9 (verify.jobs): must be a string, got number 5'
    ])
    // The file is named once, not `stackci.yml: stackci.yml has …`.
    expect((error as ConfigError).describe().split('\n')[0]).toBe(
      'stackci.yml has 5 problems'
    )
  })

  it('names YAML syntax errors and duplicate keys by line', () => {
    expect(() =>
      loadStackciConfig('version: 1\nverify: [\n', 'bad.yml')
    ).toThrow(ConfigError)
    const error = thrown(() =>
      loadStackciConfig('version: 1\nversion: 1\n', 'dup.yml')
    )
    expect((error as ConfigError).problems[0]?.where).toMatchObject({
      file: 'dup.yml',
      line: 2
    })
    expect((error as ConfigError).problems[0]?.message).toMatch(/unique/)
  })

  it('places a syntax error at its line and column', () => {
    const error = thrown(() =>
      loadStackciConfig(
        'version: 1\nverify:\n  definitions: x\n   jobs: y\n',
        'indent.yml'
      )
    )
    expect((error as ConfigError).problems.map(formatProblem)).toEqual([
      'indent.yml:4:8: bad indentation of a mapping entry'
    ])
  })

  it('reads YAML 1.2 core: yes and dates stay the strings written', () => {
    const error = thrown(() =>
      loadStackciConfig(
        'version: 1\nverify: { definitions: yes, jobs: 2026-11-27 }\nx: 1\n',
        'core.yml'
      )
    )
    // Only the unknown key is a problem: `yes` and the date are strings.
    expect((error as ConfigError).problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^core\.yml:3:1 \(x\): unknown key "x"/)
    ])
  })

  it('says how to fix a missing file', async () => {
    await expect(readStackciConfig('/nonexistent/stackci.yml')).rejects.toThrow(
      /\/nonexistent\/stackci\.yml does not exist/
    )
  })
})

describe('YAML as PyYAML reads it', () => {
  it('uses YAML 1.1 scalars', () => {
    const [doc] = loadYamlDocuments(
      'a: yes\nb: Off\nc: 1e3\nd: 1.0e+3\ne: 010\nf: 1_000\ng: 1:30\nh: .inf\ni: ~\nj: 0x1F\nk: 2019-03-07\nl: 1.5\n'
    )
    expect(doc).toEqual({
      a: true,
      b: false,
      c: '1e3',
      d: 1000,
      e: 8,
      f: 1000,
      g: 90,
      h: Infinity,
      i: null,
      j: 31,
      k: new Date('2019-03-07T00:00:00Z'),
      l: 1.5
    })
  })

  it('merges <<, keeps the last of duplicate keys, reads !!set, loads every document', () => {
    const docs = loadYamlDocuments(
      'base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\nk: 1\nk: 2\ns: !!set {a, b}\n---\nsecond: 2\n'
    )
    expect(docs).toEqual([
      {
        base: { x: 1, y: 2 },
        d: { x: 1, y: 3 },
        k: 2,
        s: { a: null, b: null }
      },
      { second: 2 }
    ])
  })

  it('reports syntax errors with their position', () => {
    const error = thrown(() => loadYamlDocuments('a: 1\nb: [1, 2\n'))
    expect(error).toBeInstanceOf(YamlSyntaxError)
    expect((error as YamlSyntaxError).line).toBe(3)
  })

  it('locates keys and values by path, in any document, falling back to the nearest parent', () => {
    const text =
      'a: 1\n---\nname: x\nthreshold:\n  unit: mmag\nlist:\n  - p\n  - q\n'
    expect(locateYamlPath(text, 1, ['threshold', 'unit'])).toEqual({
      line: 5,
      column: 9
    })
    expect(locateYamlPath(text, 1, ['threshold', 'unit'], true)).toEqual({
      line: 5,
      column: 3
    })
    expect(locateYamlPath(text, 1, ['list', 1])).toEqual({ line: 8, column: 5 })
    expect(locateYamlPath(text, 1, ['threshold', 'value'])).toEqual({
      line: 5,
      column: 3
    })
    expect(locateYamlPath(text, 5, [])).toBeUndefined()
  })
})

describe('action inputs', () => {
  const env = {
    INPUT_NAME: '  x  ',
    INPUT_FLAG: 'True',
    INPUT_BAD_FLAG: 'ture',
    INPUT_LINES: 'a\n\n  b  \n# comment\nc,d',
    INPUT_N: '12',
    INPUT_TIMEOUT: '30 min',
    INPUT_MODE: 'fast'
  }
  const input = new ActionInputs('demo', env)

  it('reads strings, lists, integers, booleans strictly', () => {
    expect(input.string('name')).toBe('x')
    expect(input.string('missing')).toBeUndefined()
    expect(input.boolean('flag')).toBe(true)
    expect(input.boolean('missing', false)).toBe(false)
    expect(input.lines('lines')).toEqual(['a', 'b', 'c,d'])
    expect(input.list('lines')).toEqual(['a', 'b', 'c', 'd'])
    expect(input.integer('n', { min: 1 })).toBe(12)
  })

  it('names the action, the input and the bad value', () => {
    expect(() => input.boolean('bad flag')).toThrow(
      new InputError(`demo: input 'bad flag' must be true or false, got "ture"`)
    )
    expect(() => input.required('missing')).toThrow(
      /demo: input 'missing' is required/
    )
    expect(() => input.duration('timeout')).toThrow(
      /demo: input 'timeout' must be a duration like 90s, 30m, 2h or 1h30m, got "30 min"/
    )
    expect(() => input.choice('mode', ['slow', 'safe'])).toThrow(
      /must be one of slow, safe, got "fast"/
    )
    expect(() => input.integer('name')).toThrow(/must be an integer, got "x"/)
  })
})

describe('globs', () => {
  it('compiles the usual forms', () => {
    const re = (g: string): RegExp => globToRegExp(g)
    expect(re('**/*.verify.json').test('a/b/c.verify.json')).toBe(true)
    expect(re('**/*.verify.json').test('c.verify.json')).toBe(true)
    expect(re('out/*.json').test('out/a/b.json')).toBe(false)
    expect(re('a?.{yaml,yml}').test('ab.yml')).toBe(true)
    expect(re('[!x]*.py').test('x1.py')).toBe(false)
  })

  it('expands against a directory, sorted and unique', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackci-glob-'))
    for (const f of [
      'a.verify.json',
      'x/b.verify.json',
      'x/y/c.verify.json',
      'x/notes.txt'
    ]) {
      const path = join(dir, f)
      mkdirSync(join(path, '..'), { recursive: true })
      writeFileSync(path, '{}')
    }
    expect(
      await expandGlobs(dir, ['**/*.verify.json', 'x/*.verify.json'])
    ).toEqual(
      ['a.verify.json', 'x/b.verify.json', 'x/y/c.verify.json'].map((f) =>
        join(dir, f)
      )
    )
    expect(await expandGlobs('/elsewhere', [`${dir}/*.verify.json`])).toEqual([
      join(dir, 'a.verify.json')
    ])
    expect(await expandGlobs(dir, ['missing/**'])).toEqual([])
  })
})
