import { runMain as cli } from '../../helpers/cli-main.js'

describe('an unknown command', () => {
  it.each([
    [['nosuch'], 'nosuch'],
    [['nosuch', '--help'], 'nosuch'],
    [['metrics', 'nosuch'], 'metrics nosuch'],
    [['metrics', 'nosuch', '--help'], 'metrics nosuch'],
    [['--summary', 'out.md', 'nosuch'], 'nosuch']
  ])('%j exits 2 naming %s, and prints no help', async (argv, named) => {
    const r = await cli(...argv)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`unknown command '${named}'`)
    expect(r.stdout).toBe('')
  })

  it.each([
    [['--help']],
    [['metrics', '--help']],
    [['metrics', 'history', '--help']],
    [['help', 'metrics']]
  ])('%j is help, exit 0', async (argv) => {
    const r = await cli(...argv)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: stackci/)
  })
})
