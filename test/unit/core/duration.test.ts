import { InputError, parseDuration } from '../../../src/core/index.js'

describe('parseDuration', () => {
  it.each([
    ['90', 90_000],
    ['1.5', 1500],
    ['500ms', 500],
    ['30s', 30_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['1h 30m 5s', 5_405_000],
    ['1d', 86_400_000]
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', '30 min', 'abc', '1x', '-5m', 'm30'])(
    'rejects %j naming the input',
    (text) => {
      expect(() => parseDuration(text, "input 'timeout'")).toThrow(InputError)
      expect(() => parseDuration(text, "input 'timeout'")).toThrow(
        /input 'timeout' must be a duration like 90s, 30m, 2h or 1h30m/
      )
    }
  )
})
