/**
 * Which store a pass watches: an explicit flag wins, SQLite when it is
 * configured, else the git store; a git branch nothing was dispatched into
 * is reported as a missing SQLite file is.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadStackciConfig } from '../../../src/core/config.js'
import { ConfigError } from '../../../src/core/errors.js'
import { RecordingReporter } from '../../../src/core/index.js'
import { openAlerts } from '../../../src/alerts/index.js'
import { SqliteStore } from '../../../src/metrics/index.js'
import { rejection } from '../../helpers/thrown.js'
import { tempDir } from '../../helpers/metrics.js'

const RULES = `alerts:
  - { name: main-deadman, kind: deadman, after: 8d }
`

describe('alerts: the store watched', () => {
  let dir: string
  let bare: string
  beforeEach(async () => {
    dir = tempDir('stackci-alerts-choice-')
    bare = join(dir, 'empty.git')
    spawnSync('git', ['init', '--quiet', '--bare', bare])
    await new SqliteStore(join(dir, 'metrics.sqlite')).close()
  })

  const open = async (
    stores: string,
    overrides: { sqlite?: string; git?: string } = {}
  ): ReturnType<typeof openAlerts> => {
    const file = join(dir, 'stackci.yml')
    const text = `version: 1\nmetrics: { stores: ${stores} }\n${RULES}`
    writeFileSync(file, text)
    return openAlerts(
      loadStackciConfig(text, file),
      overrides,
      {},
      new RecordingReporter()
    )
  }

  it('keeps SQLite the default when both stores are configured', async () => {
    const a = await open(
      `{ sqlite: { path: metrics.sqlite }, git: { url: ${JSON.stringify(bare)} } }`
    )
    expect(a.deps.source.label).toBe(`sqlite ${join(dir, 'metrics.sqlite')}`)
    await a.close()
  })

  it('watches the git store when it is the one configured, or --git names it; an empty branch is a problem', async () => {
    for (const run of [
      async () => open(`{ git: { url: ${JSON.stringify(bare)} } }`),
      async () =>
        open('{ sqlite: { path: metrics.sqlite } }', {
          git: `${bare}#alerts-data`
        })
    ]) {
      const error = await rejection(run())
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).problems.map((p) => p.message)).toEqual([
        expect.stringMatching(
          /^no metrics branch (stackci-metrics|alerts-data) in /
        )
      ])
    }
  })

  it('takes one store: --sqlite and --git together are an error', async () => {
    const error = await rejection(
      open('{ sqlite: { path: metrics.sqlite } }', {
        sqlite: 'metrics.sqlite',
        git: bare
      })
    )
    expect((error as Error).message).toBe(
      'alerts watch one store: --sqlite or --git'
    )
  })
})
