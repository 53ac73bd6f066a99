/** The emulator's pure parts: `tree=` pruning, console notes, shape compare. */

import {
  TreeSyntaxError,
  parseTree,
  pruneTree
} from '../../emulators/jenkins/tree.js'
import {
  BuildLog,
  consoleNote,
  stripNotes
} from '../../emulators/jenkins/log.js'
import { compareShape } from '../../helpers/shape.js'

const build = {
  _class: 'org.jenkinsci.plugins.workflow.job.WorkflowRun',
  actions: [
    {
      _class: 'hudson.model.ParametersAction',
      parameters: [{ _class: 'P', name: 'A', value: '1' }]
    },
    {}
  ],
  building: false,
  number: 42,
  executor: { _class: 'hudson.model.OneOffExecutor', idle: false },
  builds: [1, 2, 3, 4, 5].map((n) => ({ _class: 'B', number: n, url: `u${n}` }))
}

describe('tree', () => {
  it('keeps the named fields and _class', () => {
    expect(pruneTree(build, parseTree('number,building'))).toEqual({
      _class: build._class,
      building: false,
      number: 42
    })
  })

  it('nests, and prunes an object named without children to its _class', () => {
    expect(
      pruneTree(build, parseTree('actions[parameters[name,value]],executor'))
    ).toEqual({
      _class: build._class,
      actions: [
        {
          _class: 'hudson.model.ParametersAction',
          parameters: [{ _class: 'P', name: 'A', value: '1' }]
        },
        {}
      ],
      executor: { _class: 'hudson.model.OneOffExecutor' }
    })
  })

  it.each([
    ['builds[number]{0,2}', [1, 2]],
    ['builds[number]{3,}', [4, 5]],
    ['builds[number]{,1}', [1]],
    ['builds[number]{2}', [3]],
    ['builds[*]{4,5}', [5]]
  ])('slices arrays: %s', (tree, numbers) => {
    const out = pruneTree(build, parseTree(tree)) as {
      builds: { number: number }[]
    }
    expect(out.builds.map((b) => b.number)).toEqual(numbers)
  })

  it.each(['a[b', 'a,', 'a{x}', '[a]', 'a]'])('rejects %j', (tree) => {
    expect(() => parseTree(tree)).toThrow(TreeSyntaxError)
  })
})

describe('console notes', () => {
  it('are hidden from the text but counted in the raw size', () => {
    const log = new BuildLog()
    log.add(0, `Started by user ${consoleNote('/user/x')}x\n`)
    log.add(10, 'café\n')
    expect(log.text(5).toString()).toBe('Started by user x\n')
    expect(log.text(10).toString()).toBe('Started by user x\ncafé\n')
    expect(log.raw(10).length).toBeGreaterThan(log.text(10).length)
    expect(
      stripNotes(Buffer.from('a\x1b[8mha:////QUJD\x1b[0mb')).toString()
    ).toBe('ab')
  })
})

describe('compareShape', () => {
  it('finds missing keys and type changes, accepts null, notes extras', () => {
    const report = compareShape(
      { a: 1, b: 'x', c: null, d: [{ e: true }], f: {} },
      { a: '1', c: 5, d: [{ e: 'no' }], f: {}, g: 0 }
    )
    expect(report.problems).toEqual([
      '$.a: recorded number, emulator string',
      '$.b: missing',
      '$.d[0].e: recorded boolean, emulator string'
    ])
    expect(report.extra).toEqual(['$.g'])
  })

  it('needs elements where the recording has some', () => {
    expect(compareShape({ a: [1] }, { a: [] }).problems).toEqual([
      '$.a: recorded elements, emulator none'
    ])
  })
})
