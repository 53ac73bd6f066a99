import {
  advance,
  initialState,
  type AlertState,
  type Observation,
  type TransitionContext
} from '../../../src/alerts/index.js'

const HOUR = 3_600_000
const on: Observation = { key: 'r:k', rule: 'r', active: true, summary: 'bad' }
const off: Observation = { ...on, active: false, summary: 'good' }

/** Runs observations through the state machine, as the store would keep it. */
function walk(
  observations: Observation[],
  context: Partial<TransitionContext> = {}
): { states: string[]; announced: string[] } {
  let state: AlertState = initialState('r:k', 'r')
  const states: string[] = []
  const announced: string[] = []
  observations.forEach((o, i) => {
    const t = advance(state, o, {
      now: (i + 1) * HOUR,
      for: 1,
      minIntervalMs: 0,
      silenced: false,
      ...context
    })
    if (t !== undefined) {
      state = { ...t.next, version: state.version + 1 }
      if (t.announce !== undefined) announced.push(`${i}:${t.announce}`)
    }
    states.push(state.status)
  })
  return { states, announced }
}

describe('the alert state machine', () => {
  it('fires once and resolves once however long the excursion lasts', () => {
    expect(walk([on, on, on, on, on, off, off])).toEqual({
      states: [
        'firing',
        'firing',
        'firing',
        'firing',
        'firing',
        'resolved',
        'resolved'
      ],
      announced: ['0:firing', '5:resolved']
    })
  })

  it('counts `for` consecutive evaluations, and a clean one starts the count again', () => {
    expect(walk([on, on, off, on, on, on], { for: 3 })).toEqual({
      states: ['pending', 'pending', 'ok', 'pending', 'pending', 'firing'],
      announced: ['5:firing']
    })
  })

  it('holds a state for the flapping guard before changing it again', () => {
    const r = walk([on, off, off, off, on, on], { minIntervalMs: 2.5 * HOUR })
    expect(r.states).toEqual([
      'firing',
      'firing',
      'firing',
      'resolved',
      'resolved',
      'resolved'
    ])
    expect(r.announced).toEqual(['0:firing', '3:resolved'])
  })

  it('fires silently under a silence and announces once it is lifted', () => {
    let state = initialState('r:k', 'r')
    const ctx = { now: HOUR, for: 1, minIntervalMs: 0, silenced: true }
    const quiet = advance(state, on, ctx)
    expect(quiet?.announce).toBeUndefined()
    expect(quiet?.next.status).toBe('firing')
    state = { ...(quiet?.next as AlertState), version: 1 }
    expect(advance(state, on, { ...ctx, now: 2 * HOUR })).toBeUndefined()
    const lifted = advance(state, on, {
      ...ctx,
      now: 3 * HOUR,
      silenced: false
    })
    expect(lifted?.announce).toBe('firing')
  })

  it('does not announce the end of a firing nobody was told about', () => {
    let state = initialState('r:k', 'r')
    const ctx = { now: HOUR, for: 1, minIntervalMs: 0, silenced: true }
    state = { ...(advance(state, on, ctx)?.next as AlertState), version: 1 }
    const end = advance(state, off, { ...ctx, now: 2 * HOUR })
    expect(end?.next.status).toBe('resolved')
    expect(end?.announce).toBeUndefined()
  })

  it('writes nothing for a key that stays ok', () => {
    expect(
      advance(initialState('r:k', 'r'), off, {
        now: 1,
        for: 1,
        minIntervalMs: 0,
        silenced: false
      })
    ).toBeUndefined()
  })
})
