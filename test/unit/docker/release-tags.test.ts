import { InputError } from '../../../src/core/index.js'
import {
  dockerTimestamp,
  releaseTags,
  sanitizeEupsTag,
  usWeek,
  type ReleaseTagRequest
} from '../../../src/docker/index.js'

const NOW = new Date('2026-11-27T16:30:12Z')

interface Row {
  request: ReleaseTagRequest
  git?: string
  eups?: string
  tags: string[]
}

/**
 * Expected weekly tags come from the US week-based year (Sunday weeks, week
 * 1 holds 1 January), checked against the boundary cases in the LSST
 * research notes; the comments say what ISO-8601 and %U would give instead.
 */
const table: [string, Row][] = [
  // weekly: plain dates, local to America/Los_Angeles
  [
    'first LSST weekly example (%U says 09)',
    {
      request: { kind: 'weekly', date: '2019-03-07' },
      git: 'w.2019.10',
      eups: 'w_2019_10',
      tags: ['w_2019_10', 'w_latest']
    }
  ],
  [
    'Thu 2020-12-31 is week 1 of 2021 (ISO 2020-W53)',
    {
      request: { kind: 'weekly', date: '2020-12-31' },
      git: 'w.2021.01',
      eups: 'w_2021_01',
      tags: ['w_2021_01', 'w_latest']
    }
  ],
  [
    'Thu 2021-12-30 is week 1 of 2022 (ISO 2021-W52)',
    {
      request: { kind: 'weekly', date: '2021-12-30' },
      git: 'w.2022.01',
      eups: 'w_2022_01',
      tags: ['w_2022_01', 'w_latest']
    }
  ],
  [
    'Thu 2022-12-29 is week 53 (ISO 2022-W52)',
    {
      request: { kind: 'weekly', date: '2022-12-29' },
      git: 'w.2022.53',
      eups: 'w_2022_53',
      tags: ['w_2022_53', 'w_latest']
    }
  ],
  [
    'Sat 2022-12-31 still week 53',
    {
      request: { kind: 'weekly', date: '2022-12-31' },
      git: 'w.2022.53',
      eups: 'w_2022_53',
      tags: ['w_2022_53', 'w_latest']
    }
  ],
  [
    'Sun 2023-01-01 starts week 1 (ISO 2022-W52)',
    {
      request: { kind: 'weekly', date: '2023-01-01' },
      git: 'w.2023.01',
      eups: 'w_2023_01',
      tags: ['w_2023_01', 'w_latest']
    }
  ],
  [
    'Thu 2024-01-04 week 1',
    {
      request: { kind: 'weekly', date: '2024-01-04' },
      git: 'w.2024.01',
      eups: 'w_2024_01',
      tags: ['w_2024_01', 'w_latest']
    }
  ],
  [
    'Sat 2016-12-31 is week 53 of 2016',
    {
      request: { kind: 'weekly', date: '2016-12-31' },
      git: 'w.2016.53',
      eups: 'w_2016_53',
      tags: ['w_2016_53', 'w_latest']
    }
  ],
  [
    'Sun 2017-01-01 week 1',
    {
      request: { kind: 'weekly', date: '2017-01-01' },
      git: 'w.2017.01',
      eups: 'w_2017_01',
      tags: ['w_2017_01', 'w_latest']
    }
  ],
  [
    'Sun 2025-12-28 belongs to 2026',
    {
      request: { kind: 'weekly', date: '2025-12-28' },
      git: 'w.2026.01',
      eups: 'w_2026_01',
      tags: ['w_2026_01', 'w_latest']
    }
  ],
  [
    'Sat 2025-12-27 is the last week of 2025',
    {
      request: { kind: 'weekly', date: '2025-12-27' },
      git: 'w.2025.52',
      eups: 'w_2025_52',
      tags: ['w_2025_52', 'w_latest']
    }
  ],
  [
    'Fri 2010-01-01 week 1 (ISO 2009-W53)',
    {
      request: { kind: 'weekly', date: '2010-01-01' },
      git: 'w.2010.01',
      eups: 'w_2010_01',
      tags: ['w_2010_01', 'w_latest']
    }
  ],
  [
    'Fri 1999-12-31 is week 1 of 2000',
    {
      request: { kind: 'weekly', date: '1999-12-31' },
      git: 'w.2000.01',
      eups: 'w_2000_01',
      tags: ['w_2000_01', 'w_latest']
    }
  ],
  [
    'leap day 2000-02-29 (ISO W09)',
    {
      request: { kind: 'weekly', date: '2000-02-29' },
      git: 'w.2000.10',
      eups: 'w_2000_10',
      tags: ['w_2000_10', 'w_latest']
    }
  ],
  [
    'Sat 2028-12-30, a 53-week year',
    {
      request: { kind: 'weekly', date: '2028-12-30' },
      git: 'w.2028.53',
      eups: 'w_2028_53',
      tags: ['w_2028_53', 'w_latest']
    }
  ],
  [
    'Sun 2026-01-04 is week 2 (ISO W01)',
    {
      request: { kind: 'weekly', date: '2026-01-04' },
      git: 'w.2026.02',
      eups: 'w_2026_02',
      tags: ['w_2026_02', 'w_latest']
    }
  ],
  [
    'mid-year 2023-06-15',
    {
      request: { kind: 'weekly', date: '2023-06-15' },
      git: 'w.2023.24',
      eups: 'w_2023_24',
      tags: ['w_2023_24', 'w_latest']
    }
  ],
  // weekly: instants, converted to the zone
  [
    'Sun 05:00Z is still Saturday in Los Angeles',
    {
      request: { kind: 'weekly', date: '2023-01-01T05:00:00Z' },
      git: 'w.2022.53',
      eups: 'w_2022_53',
      tags: ['w_2022_53', 'w_latest']
    }
  ],
  [
    'the same instant in UTC',
    {
      request: {
        kind: 'weekly',
        date: '2023-01-01T05:00:00Z',
        timeZone: 'UTC'
      },
      git: 'w.2023.01',
      eups: 'w_2023_01',
      tags: ['w_2023_01', 'w_latest']
    }
  ],
  [
    'the same instant in Tokyo',
    {
      request: {
        kind: 'weekly',
        date: '2022-12-31T16:00:00Z',
        timeZone: 'Asia/Tokyo'
      },
      git: 'w.2023.01',
      eups: 'w_2023_01',
      tags: ['w_2023_01', 'w_latest']
    }
  ],
  // daily
  [
    'first LSST daily example',
    {
      request: { kind: 'daily', date: '2019-03-07' },
      git: 'd.2019.03.07',
      eups: 'd_2019_03_07',
      tags: ['d_2019_03_07', 'd_latest']
    }
  ],
  [
    'daily on a leap day',
    {
      request: { kind: 'daily', date: '2020-02-29' },
      git: 'd.2020.02.29',
      eups: 'd_2020_02_29',
      tags: ['d_2020_02_29', 'd_latest']
    }
  ],
  [
    'daily at new year, UTC already in 2021',
    {
      request: { kind: 'daily', date: '2021-01-01T07:59:59Z' },
      git: 'd.2020.12.31',
      eups: 'd_2020_12_31',
      tags: ['d_2020_12_31', 'd_latest']
    }
  ],
  [
    'daily from an instant with a +09:00 offset',
    {
      request: { kind: 'daily', date: '2021-01-01T08:00:00+09:00' },
      git: 'd.2020.12.31',
      eups: 'd_2020_12_31',
      tags: ['d_2020_12_31', 'd_latest']
    }
  ],
  [
    'DST starts: 07:30Z on 11 March is 00:30 PDT (PST would say 10 March)',
    {
      request: { kind: 'daily', date: '2024-03-11T07:30:00Z' },
      git: 'd.2024.03.11',
      eups: 'd_2024_03_11',
      tags: ['d_2024_03_11', 'd_latest']
    }
  ],
  [
    'DST starts: 09:59Z on 10 March is 01:59 PST',
    {
      request: { kind: 'daily', date: '2024-03-10T09:59:00Z' },
      git: 'd.2024.03.10',
      eups: 'd_2024_03_10',
      tags: ['d_2024_03_10', 'd_latest']
    }
  ],
  [
    'DST ends: 07:30Z on 4 November is 23:30 PST on the 3rd (PDT would say the 4th)',
    {
      request: { kind: 'daily', date: '2024-11-04T07:30:00Z' },
      git: 'd.2024.11.03',
      eups: 'd_2024_11_03',
      tags: ['d_2024_11_03', 'd_latest']
    }
  ],
  [
    'DST ends: 06:30Z on 3 November is 23:30 PDT on the 2nd',
    {
      request: { kind: 'daily', date: '2024-11-03T06:30:00Z' },
      git: 'd.2024.11.02',
      eups: 'd_2024_11_02',
      tags: ['d_2024_11_02', 'd_latest']
    }
  ],
  [
    'DST in Europe: 23:30Z on 30 March 2025 is 01:30 CEST on the 31st',
    {
      request: {
        kind: 'daily',
        date: '2025-03-30T23:30:00Z',
        timeZone: 'Europe/Paris'
      },
      git: 'd.2025.03.31',
      eups: 'd_2025_03_31',
      tags: ['d_2025_03_31', 'd_latest']
    }
  ],
  [
    'default date is today in Los Angeles',
    {
      request: { kind: 'daily', now: new Date('2026-11-28T03:00:00Z') },
      git: 'd.2026.11.27',
      eups: 'd_2026_11_27',
      tags: ['d_2026_11_27', 'd_latest']
    }
  ],
  [
    'default week is this week in Los Angeles',
    {
      request: { kind: 'weekly', now: new Date('2027-01-01T06:00:00Z') },
      git: 'w.2027.01',
      eups: 'w_2027_01',
      tags: ['w_2027_01', 'w_latest']
    }
  ],
  // final releases and candidates
  [
    'final release',
    {
      request: { kind: 'release', version: '26.0.0' },
      git: '26.0.0',
      eups: 'v26_0_0',
      tags: ['v26_0_0', 'o_latest']
    }
  ],
  [
    'final release given with a v',
    {
      request: { kind: 'release', version: 'v26.0.0' },
      git: '26.0.0',
      eups: 'v26_0_0',
      tags: ['v26_0_0', 'o_latest']
    }
  ],
  [
    'older two-part release',
    {
      request: { kind: 'release', version: '14.0' },
      git: '14.0',
      eups: 'v14_0',
      tags: ['v14_0', 'o_latest']
    }
  ],
  [
    'patch release',
    {
      request: { kind: 'release', version: '29.1.2' },
      git: '29.1.2',
      eups: 'v29_1_2',
      tags: ['v29_1_2', 'o_latest']
    }
  ],
  [
    'final release that keeps o_latest',
    {
      request: { kind: 'release', version: '28.0.1', oLatest: false },
      git: '28.0.1',
      eups: 'v28_0_1',
      tags: ['v28_0_1']
    }
  ],
  [
    'release candidate',
    {
      request: { kind: 'rc', version: '26.0.0.rc1' },
      git: 'v26.0.0.rc1',
      eups: 'v26_0_0_rc1',
      tags: ['v26_0_0_rc1']
    }
  ],
  [
    'release candidate with a v',
    {
      request: { kind: 'rc', version: 'v26.0.0.rc1' },
      git: 'v26.0.0.rc1',
      eups: 'v26_0_0_rc1',
      tags: ['v26_0_0_rc1']
    }
  ],
  [
    'release candidate written with a dash',
    {
      request: { kind: 'rc', version: '26.0.0-rc2' },
      git: 'v26.0.0.rc2',
      eups: 'v26_0_0_rc2',
      tags: ['v26_0_0_rc2']
    }
  ],
  [
    'two-part candidate',
    {
      request: { kind: 'rc', version: '29.0.rc1' },
      git: 'v29.0.rc1',
      eups: 'v29_0_rc1',
      tags: ['v29_0_rc1']
    }
  ],
  [
    'candidate 10, no separator',
    {
      request: { kind: 'rc', version: '26.0.0rc10' },
      git: 'v26.0.0.rc10',
      eups: 'v26_0_0_rc10',
      tags: ['v26_0_0_rc10']
    }
  ],
  // pull requests, commits, branches
  [
    'pull request',
    { request: { kind: 'pr', version: '123' }, tags: ['pr-123'] }
  ],
  [
    'commit, shortened and lower-cased',
    {
      request: { kind: 'sha', version: 'ABCDEF1234567890' },
      tags: ['sha-abcdef1']
    }
  ],
  [
    'commit with a branch tag',
    {
      request: {
        kind: 'sha',
        version: '0123456789abcdef',
        branch: 'refs/heads/tickets/DM-123_fix'
      },
      tags: ['sha-0123456', 'tickets-DM-123_fix']
    }
  ],
  [
    'branch names are made valid tags',
    {
      request: { kind: 'pr', version: '7', branch: '.feature/ünïcode name' },
      tags: ['pr-7', 'feature--n-code-name']
    }
  ],
  // templates
  [
    'scipipe templates: al9- and bare aliases',
    {
      request: { kind: 'weekly', date: '2020-12-31', templates: ['al9-{tag}'] },
      git: 'w.2021.01',
      eups: 'w_2021_01',
      tags: ['al9-w_2021_01', 'w_latest', 'al9-w_latest']
    }
  ],
  [
    'centos templates with the 12-hour timestamp',
    {
      request: {
        kind: 'weekly',
        date: '2019-03-07',
        templates: [
          '7-stack-lsst_distrib-{eups}',
          '7-stack-lsst_distrib-{eups}-{timestamp}'
        ],
        now: NOW
      },
      git: 'w.2019.10',
      eups: 'w_2019_10',
      tags: [
        '7-stack-lsst_distrib-w_2019_10',
        '7-stack-lsst_distrib-w_2019_10-20261127T043012Z',
        'w_latest',
        '7-stack-lsst_distrib-w_latest'
      ]
    }
  ],
  [
    'timestamp from the date instant',
    {
      request: {
        kind: 'daily',
        date: '2019-03-07T04:30:12Z',
        templates: ['{tag}-{timestamp}']
      },
      git: 'd.2019.03.06',
      eups: 'd_2019_03_06',
      tags: ['d_2019_03_06-20190307T043012Z', 'd_latest']
    }
  ],
  [
    'template with the git tag',
    {
      request: {
        kind: 'release',
        version: '26.0.0',
        templates: ['{tag}', '{git}-{tag}']
      },
      git: '26.0.0',
      eups: 'v26_0_0',
      tags: ['v26_0_0', '26.0.0-v26_0_0', 'o_latest', '26.0.0-o_latest']
    }
  ],
  [
    'duplicate tags are dropped',
    {
      request: { kind: 'pr', version: '9', templates: ['{tag}', '{eups}'] },
      tags: ['pr-9']
    }
  ]
]

describe('releaseTags', () => {
  it('has a table of at least 40 dates and versions', () => {
    expect(table.length).toBeGreaterThanOrEqual(40)
  })

  it.each(table)('%s', (_name, row) => {
    const tags = releaseTags({ now: NOW, ...row.request })
    expect(tags.git).toBe(row.git)
    expect(tags.eups).toBe(row.eups)
    expect(tags.tags).toEqual(row.tags)
    expect(tags.tag).toBe(row.eups ?? row.tags[0])
  })

  it('reports the zone and the local date it used', () => {
    const tags = releaseTags({ kind: 'weekly', date: '2023-01-01T05:00:00Z' })
    expect(tags).toMatchObject({
      date: '2022-12-31',
      timeZone: 'America/Los_Angeles',
      aliases: ['w_latest']
    })
  })

  const invalid: [string, ReleaseTagRequest, RegExp][] = [
    [
      'no 29 February in 2021',
      { kind: 'weekly', date: '2021-02-29' },
      /"2021-02-29" is not a calendar date/
    ],
    [
      'month 13',
      { kind: 'daily', date: '2021-13-01' },
      /is not a calendar date/
    ],
    [
      'a word for a date',
      { kind: 'daily', date: 'yesterday' },
      /"yesterday" is neither a date/
    ],
    [
      'an instant without an offset',
      { kind: 'daily', date: '2021-01-01T10:00:00' },
      /neither a date \(YYYY-MM-DD\) nor an instant/
    ],
    [
      'a candidate as a final release',
      { kind: 'release', version: '26.0.0.rc1' },
      /is a release candidate/
    ],
    [
      'a final version as a candidate',
      { kind: 'rc', version: '26.0.0' },
      /has no rcN suffix/
    ],
    [
      'a one-part version',
      { kind: 'release', version: '26' },
      /is not a release version/
    ],
    [
      'a release without a version',
      { kind: 'release' },
      /a release tag needs a version/
    ],
    [
      'a weekly with a version',
      { kind: 'weekly', date: '2021-01-07', version: '26.0.0' },
      /a weekly release takes a date, not a version/
    ],
    [
      'PR zero',
      { kind: 'pr', version: '0' },
      /PR number "0" is not a positive integer/
    ],
    ['a short commit', { kind: 'sha', version: 'abc12' }, /is not a hex SHA/],
    [
      'a non-hex commit',
      { kind: 'sha', version: 'xyz1234' },
      /is not a hex SHA/
    ],
    [
      'an unknown zone',
      { kind: 'daily', date: '2021-01-07', timeZone: 'Mars/Olympus' },
      /unknown time zone "Mars\/Olympus"/
    ],
    [
      'a template without {tag}',
      { kind: 'daily', templates: ['latest'] },
      /has no \{tag\}/
    ],
    [
      'an unknown placeholder',
      { kind: 'daily', templates: ['{tag}-{arch}'] },
      /unknown placeholder \{arch\}/
    ],
    [
      'a template giving an invalid tag',
      { kind: 'daily', templates: ['-{tag}'] },
      /not a valid Docker tag/
    ],
    [
      '{git} for a pull request',
      { kind: 'pr', version: '5', templates: ['{tag}-{git}'] },
      /uses \{git\}, which this kind does not have/
    ],
    [
      'a branch with nothing usable',
      { kind: 'pr', version: '5', branch: '///' },
      /leaves nothing to make a Docker tag/
    ]
  ]

  it.each(invalid)('rejects %s', (_name, request, message) => {
    expect(() => releaseTags(request)).toThrow(InputError)
    expect(() => releaseTags(request)).toThrow(message)
  })
})

describe('calendar helpers', () => {
  it('agrees with the brute-force US week for every day of 1999–2030', () => {
    for (let y = 1999; y <= 2030; y++) {
      for (let day = new Date(Date.UTC(y, 0, 1)); day.getUTCFullYear() === y;) {
        const date = {
          year: y,
          month: day.getUTCMonth() + 1,
          day: day.getUTCDate()
        }
        // Brute force: walk back to the Sunday, then count weeks from the
        // Sunday on or before the 1 January of the Saturday's year.
        const sunday = new Date(day.getTime() - day.getUTCDay() * 86_400_000)
        const saturday = new Date(sunday.getTime() + 6 * 86_400_000)
        const year = saturday.getUTCFullYear()
        const jan1 = new Date(Date.UTC(year, 0, 1))
        let first = jan1.getTime() - jan1.getUTCDay() * 86_400_000
        let week = 1
        while (first < sunday.getTime()) {
          first += 7 * 86_400_000
          week++
        }
        expect(usWeek(date)).toEqual({ year, week })
        day = new Date(day.getTime() + 86_400_000)
      }
    }
  })

  it.each([
    ['2019-03-07T04:30:12Z', '20190307T043012Z'],
    ['2019-03-07T16:30:12Z', '20190307T043012Z'],
    ['2019-03-07T00:05:00Z', '20190307T120500Z'],
    ['2019-03-07T12:05:00Z', '20190307T120500Z']
  ])('timestamps %s as %s (12-hour hh)', (instant, expected) => {
    expect(dockerTimestamp(new Date(instant))).toBe(expected)
  })

  it.each([
    ['w.2019.10', 'w_2019_10'],
    ['26.0.0', 'v26_0_0'],
    ['v26.0.0.rc1', 'v26_0_0_rc1'],
    ['888.0.0-rc1', 'v888_0_0_rc1']
  ])('sanitizes %s to %s', (git, eups) => {
    expect(sanitizeEupsTag(git)).toBe(eups)
  })
})
