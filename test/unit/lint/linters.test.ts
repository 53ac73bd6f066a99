import { InputError } from '../../../src/core/index.js'
import {
  parseLinter,
  parseLinters,
  splitCommand
} from '../../../src/lint/index.js'

describe('parseLinter', () => {
  it('runs flake8 with its default command and a forced parseable format', () => {
    expect(parseLinter('flake8')).toMatchObject({
      kind: 'command',
      name: 'flake8',
      argv: ['flake8'],
      forced: ['--format=default'],
      format: { name: 'flake8' }
    })
  })

  it('takes a configurable executable and arguments', () => {
    expect(
      parseLinter('flake8: /usr/bin/python3 -m flake8 --max-line-length=120')
    ).toMatchObject({
      argv: ['/usr/bin/python3', '-m', 'flake8', '--max-line-length=120'],
      forced: ['--format=default'],
      format: { name: 'flake8' }
    })
  })

  it('runs any linter with a named format', () => {
    expect(
      parseLinter('eslint[unix]: npx eslint -f unix "src dir"')
    ).toMatchObject({
      name: 'eslint',
      argv: ['npx', 'eslint', '-f', 'unix', 'src dir'],
      forced: [],
      format: { name: 'unix' }
    })
    expect(parseLinter('shellcheck: shellcheck -f gcc build.sh')).toMatchObject(
      {
        format: { name: 'colon' }
      }
    )
  })

  it('knows the built-in metric/spec lint, with its directory', () => {
    expect(parseLinter('verify-yaml')).toEqual({
      kind: 'verify-yaml',
      name: 'verify-yaml',
      definitions: '.',
      source: 'verify-yaml'
    })
    expect(parseLinter('verify-yaml: metrics/pkg')).toMatchObject({
      definitions: 'metrics/pkg'
    })
  })

  it.each([
    ['shellcheck', /"shellcheck" needs a command/],
    ['flake8[xml]: flake8', /unknown output format "xml"/],
    ['flake8: flake8 "--select=E9', /unterminated " quote in/],
    [': flake8', /cannot read linter/],
    ['verify-yaml[unix]: x', /verify-yaml takes no \[format\]/]
  ])('rejects %j', (text, message) => {
    expect(() => parseLinter(text)).toThrow(InputError)
    expect(() => parseLinter(text)).toThrow(message)
  })

  it('rejects duplicates and an empty list', () => {
    expect(() => parseLinters(['flake8', 'flake8: python3 -m flake8'])).toThrow(
      /flake8 is listed twice/
    )
    expect(() => parseLinters(['# nothing', ''])).toThrow(/no linter given/)
  })
})

describe('splitCommand', () => {
  it.each([
    ['a b  c', ['a', 'b', 'c']],
    [`a 'b c' "d \\"e\\"" f\\ g`, ['a', 'b c', 'd "e"', 'f g']],
    [`--select='E9,F63'`, ['--select=E9,F63']],
    [`a '' b`, ['a', '', 'b']],
    ['  ', []]
  ])('splits %j', (command, words) => {
    expect(splitCommand(command)).toEqual(words)
  })
})
