import { InputError } from '../../../src/core/index.js'
import {
  buildSteps,
  instructionOfStep,
  parseDockerfile
} from '../../../src/docker/index.js'

const TEXT = [
  '# syntax=docker/dockerfile:1',
  '# escape=`',
  '',
  'ARG BASE=scratch',
  'FROM ${BASE} AS Builder',
  'RUN make `',
  '    # a comment inside the continuation',
  '',
  '    all',
  '  # an indented comment',
  'COPY a b',
  'FROM scratch as final',
  'COPY --from=builder /out /out',
  'CMD ["/out"]'
].join('\n')

describe('parseDockerfile', () => {
  const parsed = parseDockerfile(TEXT)

  it('numbers instructions by their first line, continuations joined', () => {
    expect(
      parsed.instructions.map((i) => [i.keyword, i.line, i.endLine, i.text])
    ).toEqual([
      ['ARG', 4, 4, 'ARG BASE=scratch'],
      ['FROM', 5, 5, 'FROM ${BASE} AS Builder'],
      ['RUN', 6, 9, 'RUN make     all'],
      ['COPY', 11, 11, 'COPY a b'],
      ['FROM', 12, 12, 'FROM scratch as final'],
      ['COPY', 13, 13, 'COPY --from=builder /out /out'],
      ['CMD', 14, 14, 'CMD ["/out"]']
    ])
    expect(parsed.stages).toEqual(['builder', 'final'])
  })

  it('counts the steps of a target up to the end of its stage', () => {
    expect(buildSteps(parsed, 'BUILDER').map((i) => i.line)).toEqual([
      4, 5, 6, 11
    ])
    expect(buildSteps(parsed).length).toBe(7)
  })

  it('names the stages when the target is not one of them', () => {
    expect(() => buildSteps(parsed, 'tests')).toThrow(InputError)
    expect(() => buildSteps(parsed, 'tests')).toThrow(
      /target stage "tests" is not in the Dockerfile/
    )
  })

  it('maps the printed step to its instruction, by number and by text', () => {
    const steps = parsed.instructions
    expect(instructionOfStep(steps, 3, 'RUN make     all')?.line).toBe(6)
    // Numbering off (a construct this parser does not know): found by text.
    expect(instructionOfStep(steps, 2, 'COPY a b')?.line).toBe(11)
    // Neither: the numbered one, as the engine counted.
    expect(instructionOfStep(steps, 7, 'LABEL x=y')?.line).toBe(14)
  })

  it('rejects an unknown escape character', () => {
    expect(() => parseDockerfile('# escape=x\nFROM scratch\n')).toThrow(
      /Dockerfile:1: invalid escape token "x"/
    )
  })
})
