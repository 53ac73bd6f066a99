import {
  basicAuthHeader,
  ConfigError,
  DockerError,
  errorMessage,
  formatWhere,
  HttpError,
  isUserError,
  MASK,
  Masker,
  RecordingReporter,
  redactUrl,
  SpecError,
  toError
} from '../../../src/core/index.js'

describe('typed errors', () => {
  it('describe location, message, every problem and the hint', () => {
    const e = new SpecError('2 problems', {
      where: { file: 'specs/a.yaml' },
      problems: [
        {
          where: { file: 'specs/a.yaml', line: 3, column: 7, path: 'base' },
          message: 'base x is not defined',
          hint: 'did you mean y?'
        },
        { where: { path: '$.meta' }, message: 'meta must be an object' }
      ],
      hint: 'fix them'
    })
    expect(e.describe()).toBe(
      [
        'specs/a.yaml: 2 problems',
        '  specs/a.yaml:3:7 (base): base x is not defined (did you mean y?)',
        '  $.meta: meta must be an object',
        'hint: fix them'
      ].join('\n')
    )
    expect(e.name).toBe('SpecError')
    expect(e.kind).toBe('user')
  })

  it('split user from system errors', () => {
    expect(isUserError(new ConfigError('x'))).toBe(true)
    expect(isUserError(new DockerError('x'))).toBe(false)
    expect(isUserError(new HttpError('x', { status: 503 }))).toBe(false)
    expect(isUserError(new Error('x'))).toBe(false)
  })

  it('format a location in every combination', () => {
    expect(formatWhere({ file: 'a', line: 1 })).toBe('a:1')
    expect(formatWhere({ url: 'https://ci/job/x' })).toBe('https://ci/job/x')
    expect(formatWhere({})).toBe('')
    expect(formatWhere(undefined)).toBe('')
  })

  it('errorMessage handles anything thrown', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom')
    expect(errorMessage('a string')).toBe('a string')
    expect(errorMessage(undefined)).toBe('unknown error (undefined)')
    expect(errorMessage(null)).toBe('unknown error (null)')
    expect(errorMessage({ code: 42 })).toBe('{"code":42}')
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(errorMessage(cyclic)).toBe('[object Object]')
    expect(toError('x')).toBeInstanceOf(Error)
  })
})

describe('secret masking', () => {
  it('masks the secret, its URL-encoded form and each line of a multi-line secret', () => {
    const m = new Masker()
    m.add('p@ss word/1')
    m.add('line-one-secret\nline-two-secret')
    m.add('')
    m.add(undefined)
    expect(
      m.apply(
        'pw=p@ss word/1 url=https://u:p%40ss%20word%2F1@h/ two=line-two-secret'
      )
    ).toBe(`pw=${MASK} url=https://u:${MASK}@h/ two=${MASK}`)
  })

  it('masks a longer secret whole even when it contains a shorter one', () => {
    const m = new Masker()
    m.add('abc')
    m.add('xxabcxx')
    expect(m.apply('1 xxabcxx 2 abc')).toBe(`1 ${MASK} 2 ${MASK}`)
  })

  it('a Basic header registered with the Reporter never shows, nor the token inside', () => {
    const r = new RecordingReporter()
    const token = '11aa22bb33cc44dd55ee'
    const header = basicAuthHeader('jenkins-bot', token)
    r.mask(token)
    r.mask(header)
    r.info(`Authorization: ${header}`)
    r.error(`token ${token} rejected`)
    expect(r.text()).not.toContain(token)
    expect(r.text()).not.toContain(header.slice('Basic '.length))
    expect(r.text()).toBe(`Authorization: ${MASK}\ntoken ${MASK} rejected`)
  })

  it('removes credentials from URLs', () => {
    expect(redactUrl('https://bot:secret@ci.example.org/job/x?y=1')).toBe(
      'https://ci.example.org/job/x?y=1'
    )
    expect(redactUrl('https://ci.example.org/job/x')).toBe(
      'https://ci.example.org/job/x'
    )
    expect(redactUrl('not a url //u:p@host')).toBe('not a url //host')
  })
})
