/**
 * The checker behind example-workflows.test.ts finds what it should, with
 * the line, on deliberately wrong workflows.
 */
import { join } from 'node:path'
import {
  checkUses,
  formatProblem,
  readTarget,
  repoResolver,
  validateWorkflow,
  type UsesResolver
} from '../../helpers/workflows.js'

const root = process.cwd()
const resolver = repoResolver(root, join(root, 'examples', 'workflows'))

const reusable = `on:
  workflow_call:
    inputs:
      profile: { type: string, required: true }
      date: { type: string, required: false, default: '' }
    secrets:
      JENKINS_TOKEN: { required: true }
jobs:
  run:
    runs-on: ubuntu-latest
    steps:
      - run: echo
`

describe('checkUses', () => {
  it('names an unknown input with its line, and a near miss', () => {
    const wf = `on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: lsst/stackci/actions/lint@v1
        with:
          fial-on: error
          colour: red
`
    expect(checkUses('w.yml', wf, resolver).map(formatProblem)).toEqual([
      expect.stringMatching(
        /^w\.yml:8:11: input 'fial-on' is not declared by lsst\/stackci\/actions\/lint@v1 \(actions\/lint\/action\.yml\) \(did you mean 'fail-on'\?\); its inputs: linters, paths, /
      ),
      expect.stringMatching(/^w\.yml:9:11: input 'colour' is not declared/)
    ])
  })

  it('names each required input that is missing, at the uses: line', () => {
    const wf = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: lsst/stackci/actions/integration@v1
        with:
          memory: 2g
      - uses: lsst/stackci/actions/verify@v1
        with: { definitions: stack, jobs: '*.json' }
      - uses: lsst/stackci@v1
`
    expect(checkUses('w.yml', wf, resolver).map(formatProblem)).toEqual([
      "w.yml:6:15: lsst/stackci/actions/integration@v1 requires input 'image' (actions/integration/action.yml), which this step does not give",
      "w.yml:6:15: lsst/stackci/actions/integration@v1 requires input 'datasets' (actions/integration/action.yml), which this step does not give"
    ])
  })

  it('rejects an action stackci does not have, and an unpinned one', () => {
    const wf = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: lsst/stackci/actions/deploy@v1
      - uses: lsst/stackci/actions/lint
      - uses: actions/checkout@v4
        with: { anything: goes }
`
    expect(checkUses('w.yml', wf, resolver).map(formatProblem)).toEqual([
      'w.yml:6:15: lsst/stackci/actions/deploy@v1: stackci has no action at actions/deploy (no actions/deploy/action.yml)',
      'w.yml:7:15: lsst/stackci/actions/lint has no @ref: pin a release, e.g. lsst/stackci/actions/lint@v1'
    ])
  })

  it('checks steps.<id>.outputs.<name> against the action outputs', () => {
    const wf = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: lsst/stackci@v1
        id: run
      - run: echo "\${{ steps.run.outputs.passed }} \${{ steps.run.outputs.pased }}"
`
    expect(checkUses('w.yml', wf, resolver).map(formatProblem)).toEqual([
      expect.stringMatching(
        /^w\.yml:8:14: steps\.run\.outputs\.pased: action\.yml has no output 'pased'; its outputs: passed, run-id, /
      )
    ])
  })

  it('checks a reusable workflow call: inputs, required inputs and secrets', () => {
    const target = readTarget('reusable.yml', reusable, 'workflow')
    const only: UsesResolver = (uses) =>
      uses === './.github/workflows/reusable.yml' ? target : undefined
    const wf = `on: push
jobs:
  call:
    uses: ./.github/workflows/reusable.yml
    with:
      version: 29.0.0
    secrets:
      JENKINS_TOKN: x
  inherit:
    uses: ./.github/workflows/reusable.yml
    with: { profile: daily }
    secrets: inherit
`
    expect(checkUses('w.yml', wf, only).map(formatProblem)).toEqual([
      "w.yml:6:7: input 'version' is not declared by ./.github/workflows/reusable.yml (reusable.yml); its inputs: profile, date",
      "w.yml:4:11: ./.github/workflows/reusable.yml requires input 'profile' (reusable.yml), which this step does not give",
      "w.yml:8:7: secret 'JENKINS_TOKN' is not declared by ./.github/workflows/reusable.yml (reusable.yml) (did you mean 'JENKINS_TOKEN'?); its secrets: JENKINS_TOKEN",
      "w.yml:4:11: ./.github/workflows/reusable.yml requires secret 'JENKINS_TOKEN' (reusable.yml), which this job does not give"
    ])
  })
})

describe('validateWorkflow (GitHub workflow schema)', () => {
  const none = (): undefined => undefined

  it('reports schema errors with file, line and column', async () => {
    const wf = `name: broken
on:
  schedule:
    - cron: '61 3 * * *'
permissions:
  contents: read
  deployment: write
jobs:
  a:
    runs-on: ubuntu-latest
    timeout-minutes: soon
    steps:
      - uses: actions/checkout@v4
        whith: { fetch-depth: 0 }
`
    const problems = (await validateWorkflow('w.yml', wf, none)).map(
      formatProblem
    )
    expect(problems).toEqual(
      expect.arrayContaining([
        "w.yml:7:3: Unexpected value 'deployment'",
        "w.yml:11:22: Unexpected value 'soon'",
        "w.yml:14:9: Unexpected value 'whith'"
      ])
    )
    expect(problems).toHaveLength(3)
  })

  it('reports a bad cron and a YAML syntax error', async () => {
    const cron = await validateWorkflow(
      'c.yml',
      `on:\n  schedule:\n    - cron: '0 25 * * *'\njobs:\n  a:\n    runs-on: x\n    steps: [{ run: echo }]\n`,
      none
    )
    expect(cron.map(formatProblem)).toEqual([
      expect.stringMatching(/^c\.yml:3:13: Invalid cron expression/)
    ])
    const yaml = await validateWorkflow('y.yml', 'on: push\njobs: [\n', none)
    expect(yaml).toHaveLength(1)
    expect(yaml[0]?.file).toBe('y.yml')
  })

  it('follows a local reusable workflow and checks the call against it', async () => {
    const wf = `on: push
jobs:
  call:
    uses: ./.github/workflows/reusable.yml
    with: { nope: 1 }
`
    const problems = await validateWorkflow('w.yml', wf, (path) =>
      path === '.github/workflows/reusable.yml' ? reusable : undefined
    )
    expect(problems.map(formatProblem)).toEqual([
      'w.yml:4:11: Input profile is required, but not provided while calling.',
      'w.yml:5:19: Invalid input, nope is not defined in the referenced workflow.',
      'w.yml:4:11: Secret JENKINS_TOKEN is required, but not provided while calling.'
    ])
    const missing = await validateWorkflow('w.yml', wf, none)
    expect(missing.map(formatProblem)).toContain(
      'w.yml:4:11: Unable to find reusable workflow'
    )
  })
})
