import { parseJob } from '../../../src/verify/index.js'
import {
  lintMetricsJob,
  type LinterCounts,
  violationsMetric,
  writeLintMetricsJob
} from '../../../src/lint/index.js'
import { serializeJob } from '../../../src/verify/job.js'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const linters: LinterCounts[] = [
  { name: 'flake8', all: 42, counts: { E501: 30, F401: 12 } },
  { name: 'verify-yaml', all: 0, counts: {} }
]

describe('the ratchet as a verify job', () => {
  it('names one metric per linter', () => {
    expect(violationsMetric('flake8')).toBe('lint.flake8_violations')
    expect(violationsMetric('verify-yaml')).toBe('lint.verify_yaml_violations')
  })

  it('writes a job lsst.verify (and our reader) accepts, with counts per code in a blob', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackci-ratchet-'))
    try {
      const { job, metrics } = lintMetricsJob(linters, { lint: { base: null } })
      const text = serializeJob(job, { metrics })
      const back = parseJob(text, 'lint.verify.json')
      expect(back.measurements.map((m) => [m.metric, m.value, m.unit])).toEqual(
        [
          ['lint.flake8_violations', 42, ''],
          ['lint.verify_yaml_violations', 0, '']
        ]
      )
      const flake8 = back.measurements[0]!
      const blob = back.blobs.find((b) => b.identifier === flake8.blobRefs[0])
      expect(blob?.name).toBe('flake8_codes')
      expect(blob?.data.E501).toEqual({
        value: 30,
        unit: '',
        label: 'E501',
        description: 'flake8 findings with code E501'
      })
      expect(back.metrics.map((m) => m.name)).toEqual([
        'lint.flake8_violations',
        'lint.verify_yaml_violations'
      ])
      expect(back.meta).toEqual({ lint: { base: null } })
      // Python's json.dump layout: floats as floats, sorted keys.
      expect(text).toContain('"value": 42.0')
      const file = join(dir, 'lint.verify.json')
      await writeLintMetricsJob(file, linters)
      expect(
        parseJob(readFileSync(file, 'utf8'), file).measurements
      ).toHaveLength(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
