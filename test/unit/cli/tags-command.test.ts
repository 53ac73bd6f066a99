import { releaseVersionArgs } from '../../../src/cli/tags-command.js'
import { runMain as cli } from '../../helpers/cli-main.js'

describe('stackci tags', () => {
  it('prints the tags of a weekly', async () => {
    const r = await cli('tags', '--kind', 'weekly', '--date', '2020-12-31')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(
      [
        'kind        weekly',
        'date        2020-12-31 (America/Los_Angeles)',
        'git tag     w.2021.01',
        'EUPS tag    w_2021_01',
        'aliases     w_latest',
        'image tags  w_2021_01 w_latest',
        ''
      ].join('\n')
    )
  })

  it('takes --version (not the program version) and prints JSON', async () => {
    const r = await cli(
      'tags',
      '--kind',
      'rc',
      '--date',
      '2026-05-01',
      '--version',
      '26.0.0.rc1',
      '--json'
    )
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      kind: 'rc',
      date: '2026-05-01',
      timeZone: 'America/Los_Angeles',
      git: 'v26.0.0.rc1',
      eups: 'v26_0_0_rc1',
      tag: 'v26_0_0_rc1',
      aliases: [],
      tags: ['v26_0_0_rc1']
    })
  })

  it('applies templates, the zone and --no-o-latest', async () => {
    const r = await cli(
      'tags',
      '--kind=release',
      '--version=26.0.0',
      '--no-o-latest',
      '--tag-template',
      'al9-{tag}',
      '--time-zone',
      'UTC',
      '--json'
    )
    expect(JSON.parse(r.stdout)).toMatchObject({
      tags: ['al9-v26_0_0'],
      timeZone: 'UTC',
      aliases: []
    })
  })

  it.each([
    [
      ['--kind', 'weekly', '--date', '2021-02-29'],
      /"2021-02-29" is not a calendar date/
    ],
    [['--kind', 'monthly'], /argument 'monthly' is invalid/],
    [
      ['--kind', 'release', '--version', '26.0.0.rc1'],
      /is a release candidate\nhint: use kind rc/
    ],
    [['--date', '2021-01-01'], /required option '--kind <kind>' not specified/]
  ])('exits 2 on bad input %j', async (args, message) => {
    const r = await cli('tags', ...args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stdout).toBe('')
  })

  it('still answers stackci --version', async () => {
    const r = await cli('--version')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('renames --version only for the release commands', () => {
    expect(releaseVersionArgs(['tags', '--version', '1.0'])).toEqual([
      'tags',
      '--release-version',
      '1.0'
    ])
    expect(
      releaseVersionArgs(['-v', 'image', 'build', '--version=1.0'])
    ).toEqual(['-v', 'image', 'build', '--release-version=1.0'])
    expect(releaseVersionArgs(['verify', 'list', '--version'])).toEqual([
      'verify',
      'list',
      '--version'
    ])
    expect(releaseVersionArgs(['--version'])).toEqual(['--version'])
    expect(
      releaseVersionArgs(['--summary', 's.md', 'tags', '--version', '2'])
    ).toEqual(['--summary', 's.md', 'tags', '--release-version', '2'])
  })
})
