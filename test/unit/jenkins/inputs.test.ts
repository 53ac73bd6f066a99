import { ActionInputs } from '../../../src/core/action-inputs.js'
import { InputError } from '../../../src/core/errors.js'
import { RecordingReporter } from '../../../src/core/reporter.js'
import { basicAuthHeader } from '../../../src/core/secrets.js'
import {
  DEFAULT_TIMEOUT_MS,
  parseParamFlag,
  parseParameters,
  readJenkinsBuildInputs
} from '../../../src/jenkins/build-inputs.js'

const WHAT = "jenkins-build: input 'parameters'"

describe('parseParameters', () => {
  it('reads KEY=value lines; the value is everything after the first =', () => {
    expect(
      parseParameters(
        'REFS=tickets/DM-1 main\n# comment\n\nURL=http://x:8080/?a=b&c=d\nEMPTY=\nSPACED = v ',
        WHAT
      )
    ).toEqual([
      ['REFS', 'tickets/DM-1 main'],
      ['URL', 'http://x:8080/?a=b&c=d'],
      ['EMPTY', ''],
      ['SPACED', 'v']
    ])
  })

  it('reads a YAML map, keeping every value as written', () => {
    expect(
      parseParameters(
        "SHA: 0123\nFLAG: yes\nEMPTY:\nNOTE: '  padded  '\nMULTI: |\n  one\n  two\n",
        WHAT
      )
    ).toEqual([
      ['SHA', '0123'],
      ['FLAG', 'yes'],
      ['EMPTY', ''],
      ['NOTE', '  padded  '],
      ['MULTI', 'one\ntwo\n']
    ])
  })

  it.each([
    ['A=1\nA=2', 'sets A twice'],
    ['LIST: [1, 2]', 'parameter LIST must be a single value'],
    ['just words', 'must be KEY=value lines or a YAML map'],
    ['A: [', 'is neither KEY=value lines nor a YAML map']
  ])('rejects %j', (text, message) => {
    expect(() => parseParameters(text, WHAT)).toThrow(InputError)
    expect(() => parseParameters(text, WHAT)).toThrow(WHAT)
    expect(() => parseParameters(text, WHAT)).toThrow(message)
  })

  it('reads nothing from nothing', () => {
    expect(parseParameters(undefined, WHAT)).toEqual([])
    expect(parseParameters('  \n', WHAT)).toEqual([])
  })

  it('reads --param flags', () => {
    expect(parseParamFlag('K=a=b')).toEqual(['K', 'a=b'])
    expect(parseParamFlag('K=')).toEqual(['K', ''])
    expect(() => parseParamFlag('=v')).toThrow('--param must be KEY=VALUE')
  })
})

describe('readJenkinsBuildInputs', () => {
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    INPUT_URL: 'https://ci.example.org',
    INPUT_USER: 'bot',
    INPUT_TOKEN: 's3cret-token',
    INPUT_JOB: 'release/weekly-release',
    ...Object.fromEntries(
      Object.entries(extra).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])
    )
  })

  it('reads defaults and masks the token and its Basic header first', () => {
    const reporter = new RecordingReporter()
    const inputs = readJenkinsBuildInputs(
      new ActionInputs('jenkins-build', env()),
      reporter
    )
    expect(inputs).toMatchObject({
      url: 'https://ci.example.org',
      job: 'release/weekly-release',
      parameters: [],
      wait: true,
      timeout: DEFAULT_TIMEOUT_MS,
      'stream-log': true,
      'cancel-on-abort': true
    })
    expect([...inputs['fail-on']]).toEqual(['FAILURE', 'ABORTED', 'NOT_BUILT'])
    const header = basicAuthHeader('bot', 's3cret-token')
    expect(reporter.masker.apply(`${header} s3cret-token`)).toBe('*** ***')
    expect(reporter.masker.apply(header.slice(6))).toBe('***')
  })

  it('reads every input', () => {
    const inputs = readJenkinsBuildInputs(
      new ActionInputs(
        'jenkins-build',
        env({
          parameters: 'A=1',
          wait: 'false',
          timeout: '1h30m',
          'stream-log': 'FALSE',
          'fail-on': 'unstable, failure',
          'cancel-on-abort': 'false'
        })
      ),
      new RecordingReporter()
    )
    expect(inputs).toMatchObject({
      parameters: [['A', '1']],
      wait: false,
      timeout: 5_400_000,
      'stream-log': false,
      'cancel-on-abort': false
    })
    expect([...inputs['fail-on']]).toEqual(['UNSTABLE', 'FAILURE'])
  })

  it.each([
    [{ wait: 'ture' }, 'input \'wait\' must be true or false, got "ture"'],
    [{ timeout: '30 min' }, "input 'timeout' must be a duration"],
    [{ 'fail-on': 'RED' }, "input 'fail-on' must list Jenkins results"],
    [{ job: '' }, "input 'job' is required"],
    [{ user: '' }, "input 'user' is required when a token is given"]
  ])('names the input in errors: %j', (extra, message) => {
    const read = (): unknown =>
      readJenkinsBuildInputs(
        new ActionInputs('jenkins-build', env(extra)),
        new RecordingReporter()
      )
    expect(read).toThrow(InputError)
    expect(read).toThrow(message)
  })
})
