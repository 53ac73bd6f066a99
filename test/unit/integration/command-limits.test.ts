import fc from 'fast-check'
import { InputError, errorMessage } from '../../../src/core/index.js'
import {
  checkContainerPath,
  checkNetwork,
  checkOutputPatterns,
  containerArgv,
  formatCommand,
  parseCpus,
  parseMemory,
  splitCommand
} from '../../../src/integration/index.js'
import { thrown } from '../../helpers/thrown.js'

describe('splitCommand', () => {
  it('splits words as a shell would, without expanding anything', () => {
    expect(
      splitCommand('  skyprobe measure  {dataset_dir} --output {output_dir} ')
    ).toEqual([
      'skyprobe',
      'measure',
      '{dataset_dir}',
      '--output',
      '{output_dir}'
    ])
    expect(
      splitCommand(`echo 'a b' "c \\"d\\" \\$e" f\\ g '' "*.json"`)
    ).toEqual(['echo', 'a b', 'c "d" $e', 'f g', '', '*.json'])
  })

  it('takes a JSON array as the argv itself', () => {
    expect(splitCommand('["sh", "-c", "a && b | c"]')).toEqual([
      'sh',
      '-c',
      'a && b | c'
    ])
    expect(errorMessage(thrown(() => splitCommand('[1, 2]')))).toBe(
      'command: a JSON command must be an array of strings'
    )
    expect(errorMessage(thrown(() => splitCommand('[nope')))).toMatch(
      /^command: starts with \[ but is not a JSON array/
    )
  })

  it('refuses shell syntax that nothing would interpret, with a hint', () => {
    for (const [text, ch, column] of [
      ['make && make install', '&', 6],
      ['cat a | wc', '|', 7],
      ['echo $HOME', '$', 6],
      ['run > out.txt', '>', 5],
      ['a; b', ';', 2]
    ] as const) {
      const error = thrown(() => splitCommand(text, "input 'command'"))
      expect(error).toBeInstanceOf(InputError)
      expect(errorMessage(error)).toBe(
        `input 'command': "${ch}" at column ${column} is shell syntax, and the command runs without a shell\nhint: quote it to pass it to the program as it is, or ask for a shell (--shell, input shell: true)`
      )
    }
    expect(splitCommand("echo '$HOME && x'")).toEqual(['echo', '$HOME && x'])
  })

  it('refuses an unterminated quote', () => {
    expect(errorMessage(thrown(() => splitCommand('echo "abc')))).toMatch(
      /^command: unterminated " quote/
    )
  })

  it('reads back what formatCommand writes, whatever the words', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 6 }), (argv) => {
        fc.pre(argv.length > 0)
        expect(splitCommand(formatCommand(argv))).toEqual(argv)
      }),
      { numRuns: 500 }
    )
  })
})

describe('containerArgv', () => {
  const values = {
    dataset: 'field_a',
    dataset_dir: '/datasets/field_a',
    output_dir: '/output'
  }
  it('fills the placeholders in every word', () => {
    expect(
      containerArgv(
        ['run', '--in={dataset_dir}', '{output_dir}/{dataset}.json', '{other}'],
        false,
        values
      )
    ).toEqual([
      'run',
      '--in=/datasets/field_a',
      '/output/field_a.json',
      '{other}'
    ])
  })
  it('goes through /bin/sh -c only when asked', () => {
    expect(
      containerArgv(['echo $X', '&&', 'ls {dataset_dir}'], true, values)
    ).toEqual(['/bin/sh', '-c', 'echo $X && ls /datasets/field_a'])
  })
})

describe('limits', () => {
  it('reads memory sizes as the docker CLI does', () => {
    expect(parseMemory('512m')).toBe(512 * 2 ** 20)
    expect(parseMemory('2g')).toBe(2 * 2 ** 30)
    expect(parseMemory('1.5GiB')).toBe(1.5 * 2 ** 30)
    expect(parseMemory('64MB')).toBe(64 * 2 ** 20)
    expect(parseMemory('268435456')).toBe(268435456)
    expect(errorMessage(thrown(() => parseMemory('lots', '--memory')))).toBe(
      '--memory must be a size like 512m, 2g or 1.5GiB, got "lots"'
    )
    expect(errorMessage(thrown(() => parseMemory('4m')))).toBe(
      `memory "4m" is below the engine's minimum of 6m`
    )
  })

  it('reads CPU counts', () => {
    expect(parseCpus('1.5')).toBe(1.5)
    expect(parseCpus('2')).toBe(2)
    for (const bad of ['0', '-1', 'two', '1e3', ''])
      expect(thrown(() => parseCpus(bad))).toBeInstanceOf(InputError)
  })

  it('checks networks and paths inside the container', () => {
    expect(checkNetwork('none')).toBe('none')
    expect(checkNetwork('my-net_1.x')).toBe('my-net_1.x')
    expect(thrown(() => checkNetwork('a b'))).toBeInstanceOf(InputError)
    expect(checkContainerPath('/output/', 'output path')).toBe('/output')
    for (const bad of ['output', '/', '/a/../b', '/a:b'])
      expect(thrown(() => checkContainerPath(bad, 'p'))).toBeInstanceOf(
        InputError
      )
  })

  it('refuses output globs that escape the output directory', () => {
    expect(checkOutputPatterns(['./**/*.verify.json', 'logs/*.log'])).toEqual([
      '**/*.verify.json',
      'logs/*.log'
    ])
    for (const bad of [
      '../x.json',
      'a/../../x',
      '/etc/passwd',
      'a\\..\\..\\b'
    ]) {
      expect(errorMessage(thrown(() => checkOutputPatterns([bad])))).toBe(
        `outputs: ${JSON.stringify(bad)} escapes the output directory\nhint: output patterns are relative to the output directory, e.g. **/*.verify.json; .. and absolute paths are not allowed`
      )
    }
    expect(thrown(() => checkOutputPatterns([]))).toBeInstanceOf(InputError)
  })
})
