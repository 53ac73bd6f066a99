import { pipelineStepReply } from '../../../src/notify/pipeline-slack.js'

describe('a step reply with a link (the notebook reports)', () => {
  it('links what the step made from its line', () => {
    const reply = pipelineStepReply('r1', {
      step: 'notebook',
      status: 'passed',
      detail: 'characterisation.html written',
      link: {
        url: 'https://github.com/o/r/actions/runs/9#artifacts',
        text: 'notebook reports'
      }
    })
    expect(JSON.stringify(reply.blocks)).toContain(
      '<https://github.com/o/r/actions/runs/9#artifacts|notebook reports>'
    )
    const plain = pipelineStepReply('r1', {
      step: 'report',
      status: 'passed',
      detail: 'x'
    })
    expect(JSON.stringify(plain.blocks)).not.toContain('<')
  })
})
