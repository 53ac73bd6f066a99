import { runMain as cli } from '../../helpers/cli-main.js'

// Each command's module is loaded only when it is chosen: help must still
// know them all, and each its own.
const COMMANDS = [
  'run',
  'lint',
  'verify',
  'jenkins',
  'tags',
  'image',
  'metrics',
  'dataset',
  'bridge',
  'report',
  'alerts',
  'notebook'
]

describe('the commands', () => {
  it('are all listed by --help, help and no command at all', async () => {
    for (const argv of [['--help'], ['help'], []]) {
      const r = await cli(...argv)
      const text = r.stdout + r.stderr
      const listed = [...text.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1])
      expect(listed).toEqual([...COMMANDS, 'help'])
    }
  })

  it.each(COMMANDS)('%s --help is its own full help', async (name) => {
    const r = await cli('--no-color', name, '--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^Usage: stackci ${name} `))
  })

  it('answers --version without a command', async () => {
    const r = await cli('--version')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })

  it('reads a release command --version as the release version', async () => {
    const r = await cli('tags', '--kind', 'release', '--version', '26.0.0')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^git tag +26\.0\.0$/m)
  })

  it('names an unknown subcommand of a loaded command', async () => {
    const r = await cli('--summary', 'out.md', 'notebook', 'nosuch')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("unknown command 'notebook nosuch'")
  })
})
