import { loadStackciConfig } from '../../../src/core/config.js'
import { InputError } from '../../../src/core/errors.js'
import { RecordingReporter } from '../../../src/core/reporter.js'
import { basicAuthHeader } from '../../../src/core/secrets.js'
import {
  DEFAULT_TIMEOUT_MS,
  jenkinsBuildInputsFromAction,
  jenkinsBuildInputsFromConfig,
  jenkinsBuildInputsFromFlags,
  maskJenkinsCredentials
} from '../../../src/jenkins/step.js'
import {
  parseParamFlag,
  parseParameters
} from '../../../src/jenkins/parameters.js'

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

describe('jenkinsBuildInputsFromAction', () => {
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    INPUT_URL: 'https://ci.example.org',
    INPUT_USER: 'bot',
    INPUT_TOKEN: 's3cret-token',
    INPUT_JOB: 'release/weekly-release',
    ...Object.fromEntries(
      Object.entries(extra).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])
    )
  })

  it('reads defaults; the token and its Basic header are masked', () => {
    const reporter = new RecordingReporter()
    const inputs = jenkinsBuildInputsFromAction(env())
    maskJenkinsCredentials(reporter, inputs)
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
    const inputs = jenkinsBuildInputsFromAction(
      env({
        parameters: 'A=1',
        wait: 'false',
        timeout: '1h30m',
        'stream-log': 'FALSE',
        'fail-on': 'unstable, failure',
        'cancel-on-abort': 'false'
      })
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
    const read = (): unknown => jenkinsBuildInputsFromAction(env(extra))
    expect(read).toThrow(InputError)
    expect(read).toThrow(message)
  })
})

describe('maskJenkinsCredentials', () => {
  it('masks a user:password written into the URL, and its Basic header', () => {
    const reporter = new RecordingReporter()
    maskJenkinsCredentials(reporter, {
      url: 'http://bot:p%40ss-w0rd@127.0.0.1:8080/jenkins',
      user: undefined,
      token: undefined
    })
    const header = basicAuthHeader('bot', 'p@ss-w0rd')
    expect(
      reporter.masker.apply(`p%40ss-w0rd p@ss-w0rd ${header} bot:p%40ss-w0rd`)
    ).not.toMatch(/p%40ss|p@ss|bot:/)
    expect(reporter.masker.apply(header)).toBe('***')
  })
})

describe('jenkinsBuildInputsFromFlags', () => {
  const config = loadStackciConfig(
    [
      'version: 1',
      'jenkins:',
      '  url: https://ci.example.org/jenkins',
      '  token-env: CI_TOKEN',
      '  user-env: CI_USER',
      '  timeout: 2h',
      '  stream-log: false',
      '  fail-on: [FAILURE, UNSTABLE]',
      '  parameters: { RUN: "{run.id}" }'
    ].join('\n'),
    'stackci.yml'
  )

  it('takes its defaults from jenkins: in stackci.yml; flags and the environment override', () => {
    const fromFile = jenkinsBuildInputsFromFlags(
      { job: 'app' },
      { CI_USER: 'bot', CI_TOKEN: 't0k' },
      config
    )
    expect(fromFile).toMatchObject({
      url: 'https://ci.example.org/jenkins',
      user: 'bot',
      token: 't0k',
      job: 'app',
      // The file's parameters hold the pipeline's variables: not the CLI's.
      parameters: [],
      timeout: 7_200_000,
      'stream-log': false
    })
    expect([...fromFile['fail-on']]).toEqual(['FAILURE', 'UNSTABLE'])
    const flagged = jenkinsBuildInputsFromFlags(
      {
        job: 'app',
        url: 'http://127.0.0.1:1',
        timeout: '5m',
        log: true,
        failOn: ['ABORTED'],
        param: ['A=1 ']
      },
      { JENKINS_URL: 'http://env', CI_USER: 'bot', CI_TOKEN: 't0k' },
      config
    )
    expect(flagged).toMatchObject({
      url: 'http://127.0.0.1:1',
      timeout: 300_000,
      'stream-log': true,
      parameters: [['A', '1 ']]
    })
    expect([...flagged['fail-on']]).toEqual(['ABORTED'])
    expect(
      jenkinsBuildInputsFromFlags({ job: 'app' }, { JENKINS_URL: 'http://env' })
        .url
    ).toBe('http://env')
  })

  it('names the flag in errors, as the action names its input', () => {
    expect(() =>
      jenkinsBuildInputsFromFlags(
        { job: 'a', failOn: ['RED'] },
        {
          JENKINS_URL: 'http://x'
        }
      )
    ).toThrow('--fail-on must list Jenkins results')
    expect(() => jenkinsBuildInputsFromFlags({ job: 'a' }, {})).toThrow(
      '--url is required'
    )
    expect(() =>
      jenkinsBuildInputsFromFlags(
        { job: 'a' },
        { JENKINS_URL: 'http://x', JENKINS_TOKEN: 't' }
      )
    ).toThrow('--user is required when a token is given')
  })
})

describe('jenkinsBuildInputsFromConfig', () => {
  it("reads jenkins: with the profile's job, parameters and credentials; errors name the key", () => {
    const config = loadStackciConfig(
      'version: 1\njenkins:\n  url: https://ci.example.org\n  fail-on: UNSTABLE\n',
      'stackci.yml'
    )
    const inputs = jenkinsBuildInputsFromConfig(config, {
      job: 'release/weekly-release',
      parameters: [['WEEK', '49']],
      env: { JENKINS_USER: 'bot', JENKINS_TOKEN: 't' }
    })
    expect(inputs).toMatchObject({
      url: 'https://ci.example.org',
      user: 'bot',
      token: 't',
      job: 'release/weekly-release',
      parameters: [['WEEK', '49']],
      wait: true,
      timeout: DEFAULT_TIMEOUT_MS,
      'cancel-on-abort': true
    })
    expect([...inputs['fail-on']]).toEqual(['UNSTABLE'])
  })
})
