/**
 * Replays the recorded Jenkins responses (shared/fixtures/recorded/jenkins):
 * the emulator is brought to the state each recording was taken in, asked the
 * same request, and must answer with the same status, the headers clients
 * read, and a JSON document with every recorded key, of the same type.
 * Values that clients branch on (`_class`, `result`, `color`, …) must match.
 */

import { readFileSync } from 'node:fs'
import { recordedDir } from '../../helpers/shared.js'
import { compareShape, at } from '../../helpers/shape.js'
import { BASIC, USER, startJenkins } from '../../helpers/jenkins.js'
import type { JenkinsEmulator, Job } from '../../emulators/jenkins/index.js'

const recorded = (file: string): string => recordedDir('jenkins', file)
const readJson = (file: string): unknown =>
  JSON.parse(readFileSync(recorded(file), 'utf8'))

let jenkins: JenkinsEmulator

beforeEach(async () => {
  jenkins = await startJenkins({ quietPeriodMs: 5000 })
})

afterEach(async () => {
  await jenkins.stop()
})

async function get(
  path: string,
  init: { method?: string; accept?: string } = {}
): Promise<Response> {
  return fetch(`${jenkins.baseUrl}${path}`, {
    redirect: 'manual',
    method: init.method ?? 'GET',
    headers: {
      Authorization: BASIC,
      ...(init.accept === undefined ? {} : { Accept: init.accept })
    }
  })
}

const fish = (jenkins: JenkinsEmulator, name = 'fish'): Job =>
  jenkins.addJob(name, {
    kind: 'freestyle',
    parameters: [
      { name: 'bear', type: 'boolean', default: 'true' },
      { name: 'fish', default: 'salmon' }
    ],
    script: (_params, n) => ({
      durationMs: n === 7 ? 3_600_000 : n === 1 ? 60_750 : 1000,
      artifacts: ['fish.txt'],
      changes: [
        {
          commitId: 'd27afa0805201322d846d7defc29b82c88d9b5ce',
          author: 'username',
          message: 'Commit comment',
          paths: ['some/path/in/the/repository']
        }
      ]
    })
  })

interface Case {
  /** Brings the emulator to the recorded state; returns the request path. */
  setup: (j: JenkinsEmulator) => Promise<string> | string
  /** Values clients branch on, which must be equal. */
  same?: string[]
  /** Recorded keys that are known hand edits, with the reason. */
  allow?: Record<string, string>
}

const test = (j: JenkinsEmulator, params = [{ name: 'a' }]): Job =>
  j.addJob('test', {
    kind: 'freestyle',
    parameters: params,
    script: { durationMs: 3_600_000 }
  })

const CASES: Record<string, Case> = {
  'cdancy-jenkins-rest/queueItemPending.json': {
    setup: (j) => {
      const job = test(j)
      j.model.trigger(job, [['a', '1']], USER, 0)
      j.model.trigger(job, [['a', '4']], USER, 0)
      return '/queue/item/2/api/json'
    },
    same: ['$._class', '$.blocked', '$.buildable', '$.task._class']
  },
  'cdancy-jenkins-rest/queueItemNullTaskName.json': {
    setup: (j) => {
      const job = test(j)
      j.model.trigger(job, [['a', '1']], USER, 0)
      j.model.trigger(job, [['a', '4']], USER, 0)
      return '/queue/item/2/api/json'
    },
    same: ['$._class', '$.blocked']
  },
  'cdancy-jenkins-rest/queueItemRunning.json': {
    setup: (j) => {
      j.model.trigger(test(j), [['a', '4']], USER, 0)
      return '/queue/item/1/api/json'
    },
    same: ['$._class', '$.cancelled', '$.executable._class', '$.why']
  },
  'cdancy-jenkins-rest/queueItemMultipleParameters.json': {
    setup: (j) => {
      const job = test(j, [{ name: 'a' }, { name: 'b' }, { name: 'c' }])
      j.model.trigger(
        job,
        [
          ['a', '1'],
          ['b', '2'],
          ['c', '3']
        ],
        USER,
        0
      )
      return '/queue/item/1/api/json'
    },
    same: ['$._class', '$.params', '$.actions[0]._class']
  },
  'cdancy-jenkins-rest/queueItemEmptyParameterValue.json': {
    setup: (j) => {
      const job = test(j, [{ name: 'a' }, { name: 'b' }, { name: 'c' }])
      j.model.trigger(
        job,
        [
          ['a', '1'],
          ['b', ''],
          ['c', '3']
        ],
        USER,
        0
      )
      return '/queue/item/1/api/json'
    },
    same: ['$._class', '$.params']
  },
  'cdancy-jenkins-rest/queueItemCancelled.json': {
    setup: (j) => {
      const { item } = j.model.trigger(test(j), [['a', '4']], USER)
      j.model.cancel(item.id)
      return '/queue/item/1/api/json'
    },
    same: ['$._class', '$.cancelled', '$.executable', '$.blocked']
  },
  'cdancy-jenkins-rest/queueItemMissingTaskUrl.json': {
    setup: (j) => {
      j.model.options.executors = 0
      j.model.trigger(test(j, []), [], USER, 0)
      return '/queue/item/1/api/json'
    },
    same: ['$._class', '$.buildable', '$.blocked', '$.pending']
  },
  'cdancy-jenkins-rest/queue.json': {
    setup: (j) => {
      j.model.options.executors = 0
      const chicken = j.addJob('chicken', {
        kind: 'freestyle',
        parameters: [{ name: 'feet', type: 'boolean', default: 'false' }]
      })
      j.model.trigger(chicken, [['feet', 'false']], USER, 0)
      j.model.trigger(test(j, [{ name: 'fish' }]), [['fish', 'bear']], USER, 0)
      return '/queue/api/json'
    },
    same: ['$.items[0].why', '$.items[0].buildable']
  },
  'silas-node-jenkins/queueList.json': {
    setup: (j) => {
      j.model.options.executors = 0
      j.model.trigger(test(j, []), [], USER, 0)
      return '/queue/api/json'
    },
    same: ['$.items[0].why', '$.items[0].buildable']
  },
  'silas-node-jenkins/queueItem.json': {
    setup: (j) => {
      j.model.trigger(test(j, []), [], USER, 0)
      return '/queue/item/1/api/json'
    },
    same: ['$.why', '$.buildable']
  },
  'cdancy-jenkins-rest/build-info.json': {
    setup: async (j) => {
      j.model.trigger(
        fish(j),
        [
          ['bear', 'true'],
          ['fish', 'salmon']
        ],
        USER,
        0
      )
      await j.clock.sleep(61_000)
      return '/job/fish/1/api/json'
    },
    same: ['$.building', '$.result', '$.actions[0].parameters[0].value']
  },
  'cdancy-jenkins-rest/build-info-git-commit.json': {
    setup: async (j) => {
      j.model.trigger(
        fish(j),
        [
          ['bear', 'true'],
          ['fish', 'salmon']
        ],
        USER,
        0
      )
      await j.clock.sleep(61_000)
      return '/job/fish/1/api/json'
    },
    same: [
      '$.building',
      '$.result',
      '$.changeSets[0]._class',
      '$.changeSets[0].kind'
    ]
  },
  'cdancy-jenkins-rest/build-info-empty-and-null-params.json': {
    setup: async (j) => {
      const job = j.addJob('fish', {
        kind: 'freestyle',
        parameters: [{ name: 'bear' }, { name: 'fish' }],
        script: {
          durationMs: 1000,
          artifacts: ['fish.txt'],
          changes: fishChange
        }
      })
      j.model.trigger(
        job,
        [
          ['bear', 'null'],
          ['fish', '']
        ],
        USER,
        0
      )
      await j.clock.sleep(2000)
      return '/job/fish/1/api/json'
    },
    same: [
      '$.actions[0].parameters[0].value',
      '$.actions[0].parameters[1].value'
    ]
  },
  'cdancy-jenkins-rest/build-info-no-params.json': {
    setup: async (j) => {
      const job = j.addJob('fish', {
        script: { durationMs: 1000, changes: fishChange }
      })
      j.model.trigger(job, [], USER, 0)
      await j.clock.sleep(2000)
      return '/job/fish/1/api/json'
    },
    same: ['$._class', '$.building', '$.result', '$.actions[0]._class'],
    allow: {
      '$.builtOn':
        'hand edit: AbstractBuild field; a WorkflowRun does not export it',
      '$.changeSet':
        'hand edit: AbstractBuild field; a WorkflowRun exports changeSets'
    }
  },
  'silas-node-jenkins/buildGet.json': {
    setup: async (j) => {
      j.model.trigger(
        j.addJob('test', { kind: 'freestyle', script: { durationMs: 11 } }),
        [],
        USER,
        0
      )
      await j.clock.sleep(100)
      return '/job/test/1/api/json'
    },
    same: ['$.building', '$.result', '$.executor']
  },
  'cdancy-jenkins-rest/job-info.json': {
    setup: async (j) => {
      const job = fish(j)
      for (let i = 1; i <= 7; i++) {
        j.model.trigger(
          job,
          [
            ['bear', 'true'],
            ['fish', `salmon ${i}`]
          ],
          USER,
          0
        )
      }
      while (job.builds.length < 7) {
        await j.clock.sleep(10_000)
        j.model.advance()
      }
      j.model.trigger(
        job,
        [
          ['bear', 'true'],
          ['fish', 'salmon']
        ],
        USER,
        0
      )
      return '/job/fish/api/json'
    },
    same: [
      '$.color',
      '$.inQueue',
      '$.buildable',
      '$.nextBuildNumber',
      '$.lastFailedBuild',
      '$.queueItem.blocked',
      '$.concurrentBuild'
    ]
  },
  'cdancy-jenkins-rest/jobsInJenkinsFolder.json': {
    setup: (j) => {
      j.addJob('Folder1/Folder 2/Test Project', { kind: 'freestyle' })
      return '/job/Folder1/job/Folder%202/api/json'
    },
    same: ['$._class', '$.jobs[0]._class', '$.jobs[0].name']
  },
  'cdancy-jenkins-rest/jobsInRootFolder.json': {
    setup: (j) => {
      j.addJob('fish-test', { kind: 'freestyle' })
      return '/api/json'
    },
    same: ['$._class']
  },
  'silas-node-jenkins/jobGet.json': {
    setup: (j) => {
      j.addJob('test', { kind: 'freestyle', description: 'before' })
      return '/job/test/api/json'
    },
    same: [
      '$.color',
      '$.buildable',
      '$.builds',
      '$.queueItem',
      '$.inQueue',
      '$.nextBuildNumber',
      '$.lastBuild',
      '$.description'
    ]
  },
  'silas-node-jenkins/jobGetDisabled.json': {
    setup: (j) => {
      j.addJob('test', {
        kind: 'freestyle',
        disabled: true,
        description: 'before'
      })
      return '/job/test/api/json'
    },
    same: ['$.color', '$.buildable']
  },
  'silas-node-jenkins/jobList.json': {
    setup: (j) => {
      j.addJob('asdf', { kind: 'freestyle' })
      return '/api/json'
    },
    same: ['$.mode', '$.quietingDown', '$.jobs[0].name']
  }
}

const fishChange = [
  {
    commitId: 'd27afa08',
    author: 'username',
    message: 'Commit comment',
    paths: ['a']
  }
]

describe('recorded JSON, replayed against the emulator', () => {
  it.each(Object.keys(CASES))('%s', async (file) => {
    const c = CASES[file]!
    const path = await c.setup(jenkins)
    const res = await get(path)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(
      'application/json;charset=utf-8'
    )
    expect(res.headers.get('x-jenkins')).toMatch(/^2\.\d+/)
    const mine: unknown = await res.json()
    const rec = readJson(file)
    const report = compareShape(rec, mine, new Set(Object.keys(c.allow ?? {})))
    expect(report.problems).toEqual([])
    for (const p of c.same ?? [])
      expect([p, at(mine, p)]).toEqual([p, at(rec, p)])
    // Actions are looked up by _class: each recorded action whose class the
    // emulator exports has the recorded shape.
    const actions = (doc: unknown): Record<string, unknown>[] =>
      (at(doc, '$.actions') as Record<string, unknown>[] | undefined) ?? []
    const twins = actions(rec).flatMap((action) => {
      const twin = actions(mine).find(
        (a) => a._class !== undefined && a._class === action._class
      )
      return twin === undefined ? [] : [compareShape(action, twin).problems]
    })
    expect(twins.flat()).toEqual([])
  })
})

describe('recorded text, status codes and headers', () => {
  it('answers a trigger with 201 and an absolute queue Location with its trailing slash', async () => {
    test(jenkins, [])
    const res = await get('/job/test/build', { method: 'POST' })
    expect(res.status).toBe(201)
    expect(await res.text()).toBe('')
    expect(res.headers.get('location')).toBe(`${jenkins.baseUrl}/queue/item/1/`)
  })

  it('serves progressive text as recorded: X-Text-Size, and X-More-Data only while running', async () => {
    const text = readFileSync(
      recorded('cdancy-jenkins-rest/progressive-text.txt'),
      'utf8'
    )
    const [, middle] =
      /^Started by user anonymous\n([\s\S]*\n)Finished: SUCCESS$/.exec(text)!
    const job = jenkins.addJob('DevTest', {
      kind: 'freestyle',
      script: { durationMs: 10_000, log: [{ at: 10, text: middle! }] }
    })
    jenkins.model.trigger(job, [], 'anonymous', 0)
    const running = await get('/job/DevTest/1/logText/progressiveText?start=0')
    expect(running.status).toBe(200)
    expect(running.headers.get('x-more-data')).toBe('true')
    await jenkins.clock.sleep(11_000)
    const res = await get(
      '/job/DevTest/lastBuild/logText/progressiveText?start=0'
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain;charset=UTF-8')
    expect(res.headers.get('x-more-data')).toBeNull()
    expect(res.headers.get('x-text-size')).toMatch(/^\d+$/)
    // The recording lost the final newline every Jenkins log ends with.
    expect(await res.text()).toBe(`${text}\n`)
  })

  it.each([
    ['cdancy-jenkins-rest/build-consoleText.txt', '\n'],
    ['silas-node-jenkins/consoleText.txt', '']
  ])('serves %s byte for byte as consoleText', async (file, lostNewline) => {
    const text = readFileSync(recorded(file), 'utf8') + lostNewline
    const lines = text.split('\n')
    const job = jenkins.addJob('replay', {
      kind: 'freestyle',
      script: {
        durationMs: 1000,
        startedBy: `${lines[0]}\n`,
        log: [{ at: 10, text: `${lines.slice(1, -2).join('\n')}\n` }]
      }
    })
    jenkins.model.trigger(job, [], 'anonymous', 0)
    await jenkins.clock.sleep(2000)
    const res = await get('/job/replay/1/consoleText')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain;charset=utf-8')
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(text))).toBe(
      true
    )
  })

  it('answers stop with 302, and 404 for missing jobs, builds and queue items', async () => {
    jenkins.model.trigger(test(jenkins, []), [], USER, 0)
    const stop = await get('/job/test/1/stop', { method: 'POST' })
    expect(stop.status).toBe(302)
    expect(stop.headers.get('location')).toBe(`${jenkins.baseUrl}/job/test/1/`)
    expect((await get('/job/test/1/stop')).status).toBe(405)
    for (const path of [
      '/job/nope/api/json',
      '/job/test/9/api/json',
      '/job/nope/lastBuild/api/json',
      '/queue/item/99/api/json'
    ]) {
      expect([path, (await get(path)).status]).toEqual([path, 404])
    }
    const cancel = await get('/queue/cancelItem?id=99', { method: 'POST' })
    expect(cancel.status).toBe(404)
  })

  it('issues crumbs as JSON and as the recorded text form', async () => {
    const json = await get('/crumbIssuer/api/json')
    const body = (await json.json()) as Record<string, unknown>
    expect(body._class).toBe('hudson.security.csrf.DefaultCrumbIssuer')
    expect(body.crumbRequestField).toBe('Jenkins-Crumb')
    expect(body.crumb).toMatch(/^[0-9a-f]{64}$/)
    expect(json.headers.get('set-cookie')).toMatch(
      /^JSESSIONID\.[0-9a-f]{8}=\w+; Path=\/; HttpOnly$/
    )
    const xpath = encodeURIComponent('concat(//crumbRequestField,":",//crumb)')
    const text = await get(`/crumbIssuer/api/xml?xpath=${xpath}`, {
      accept: 'text/plain'
    })
    expect(await text.text()).toMatch(/^Jenkins-Crumb:[0-9a-f]{64}$/)
  })

  it('answers bad credentials with 401 and a challenge, anonymous callers with 403', async () => {
    const bad = await fetch(`${jenkins.baseUrl}/api/json`, {
      headers: {
        Authorization: `Basic ${Buffer.from(`${USER}:nope`).toString('base64')}`
      }
    })
    expect(bad.status).toBe(401)
    expect(bad.headers.get('www-authenticate')).toBe('Basic realm="Jenkins"')
    const anonymous = await fetch(`${jenkins.baseUrl}/api/json`)
    expect(anonymous.status).toBe(403)
    expect(anonymous.headers.get('x-you-are-authenticated-as')).toBe(
      'anonymous'
    )
    expect(anonymous.headers.get('x-required-permission')).toBe(
      'hudson.model.Hudson.Read'
    )
  })
})
