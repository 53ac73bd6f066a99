/**
 * `npm run bench -- alerts [--metrics M] [--keys S] [--days D]`
 *
 * One cold pass of the standing-alert evaluator (every alert forgotten
 * first) over M metrics × S series keys × D days of daily history in the
 * real SQLite store (default 500 × 50 × 3,650 = 91 M points), with three
 * rules over every series: a threshold (minimum spec), a regression (the
 * gate's detector and lookback) and a dead man (per key, 8 days). Ours
 * reads each key once, only as far back as its rules need; the naive
 * evaluator, measured in the same run, reads each key's whole history once
 * per rule and walks the detector over all of it. Aim: ours ≤ 2 s. Both
 * must find the same firing alerts.
 *
 * The store is generated once and cached in the temp directory, keyed by
 * the parameters (bench/lib/alerts-store.ts).
 */
import {
  SqliteAlertState,
  resolveAlertSettings,
  runAlertsPass,
  sqliteAlertSource,
  type AlertNotifier,
  type AlertsPassResult
} from '../src/alerts/index.js'
import { silentReporter } from '../src/core/index.js'
import {
  DEFAULT_BASELINE,
  RegressionDetector,
  type SqliteStore
} from '../src/metrics/index.js'
import {
  parseUnit,
  type Definitions,
  type Metric,
  type Specification
} from '../src/verify/index.js'
import { DAY, T0, alertsBenchStore } from './lib/alerts-store.js'
import { printTable, timeIt } from './lib/table.js'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const shape = {
  metrics: arg('metrics', 500),
  keys: arg('keys', 50),
  days: arg('days', 3650)
}
const NOW = T0 + (shape.days - 1) * DAY + 3_600_000
const AFTER = 8 * DAY

/** Every metric in mmag with a `minimum` spec of ≤ 200 mmag. */
function definitions(): Definitions {
  const unit = parseUnit('mmag')
  const metrics = new Map<string, Metric>()
  const specs = new Map<string, Specification>()
  const specsByMetric = new Map<string, Specification[]>()
  for (let m = 0; m < shape.metrics; m++) {
    const name = `pkg.m${m}`
    metrics.set(name, {
      name,
      package: 'pkg',
      metric: `m${m}`,
      description: '',
      unit,
      tags: [],
      reference: { doc: null, url: null, page: null },
      source: { file: 'bench' }
    })
    const spec: Specification = {
      name: `${name}.minimum`,
      package: 'pkg',
      metric: `m${m}`,
      spec: 'minimum',
      metricName: name,
      threshold: { value: 200, unit, operator: '<=' },
      tags: ['minimum'],
      metadataQuery: {},
      source: { file: 'bench', docIndex: 0 }
    }
    specs.set(spec.name, spec)
    specsByMetric.set(name, [spec])
  }
  return { metrics, specs, partials: new Map(), specsByMetric, warnings: [] }
}

const settings = resolveAlertSettings(
  {
    rules: [
      { name: 'minimum', kind: 'threshold' },
      { name: 'regression', kind: 'regression' },
      { name: 'deadman', kind: 'deadman', after: AFTER, per: 'key' }
    ]
  },
  {},
  { series: 'main' }
)

const counting = (): AlertNotifier & { sent: number } => {
  const n = {
    sent: 0,
    firing: async () => {
      n.sent++
      return Promise.resolve({})
    },
    resolved: async () => {
      n.sent++
      return Promise.resolve({})
    }
  }
  return n
}

/** The naive evaluator: every rule reads every key's whole history. */
function naivePass(store: SqliteStore): number {
  let firing = 0
  for (const rule of settings.rules) {
    for (const key of store.keys('main')) {
      const points = store.historySync(key)
      const last = points[points.length - 1]
      if (last === undefined) continue
      if (rule.kind === 'threshold') {
        if (!(last.value <= 200)) firing++
      } else if (rule.kind === 'deadman') {
        if (NOW - last.time > AFTER) firing++
      } else {
        const detector = new RegressionDetector('up', DEFAULT_BASELINE)
        let verdict = ''
        for (const p of points) verdict = detector.step(p.time, p.value)
        if (verdict === 'regression') firing++
      }
    }
  }
  return firing
}

const store = alertsBenchStore(shape)
const state = new SqliteAlertState(store.path)
const source = sqliteAlertSource(store)
const defs = definitions()
/** CPU time (ms) of the process during `fn`: on a shared, loaded machine
 * wall time also counts the waits for a core. */
async function cpuOf(fn: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage()
  await fn()
  const d = process.cpuUsage(before)
  return (d.user + d.system) / 1000
}
let oursFiring = 0
let sent = 0
const oursCpu: number[] = []
const ours = await timeIt(async () => {
  state.reset()
  const notifier = counting()
  let r: AlertsPassResult | undefined
  oursCpu.push(
    await cpuOf(async () => {
      r = await runAlertsPass(
        { settings, definitions: defs, baseline: DEFAULT_BASELINE },
        {
          source,
          state,
          notifier,
          clock: { now: () => NOW },
          reporter: silentReporter
        }
      )
    })
  )
  oursFiring = r?.firing.length ?? 0
  sent = notifier.sent
}, 3)
let naiveFiring = 0
let naiveCpu = 0
const naive = await timeIt(
  async () => {
    naiveCpu = await cpuOf(async () => {
      naiveFiring = naivePass(store)
      return Promise.resolve()
    })
  },
  1,
  0
)
const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
state.reset()
await source.close?.()
await state.close()
await store.close()
const points = shape.metrics * shape.keys * shape.days
printTable(
  `standing alerts: one cold pass over ${shape.metrics} metrics × ${shape.keys} series × ${shape.days.toLocaleString('en')} days (${points.toLocaleString('en')} points), 3 rules`,
  [
    {
      metric: `evaluation pass (${oursFiring} firing, ${sent} notifications)`,
      ours: ours.median,
      baseline: naive.median,
      unit: 'ms',
      aim: 'ours ≤ 2000 ms',
      met: ours.median <= 2000
    },
    {
      metric: 'the same pass, CPU time',
      ours: median(oursCpu.slice(-3)),
      baseline: naiveCpu,
      unit: 'ms',
      aim: 'ours ≤ 2000 ms',
      met: median(oursCpu.slice(-3)) <= 2000
    }
  ]
)
console.log(
  `\nnaive evaluator found ${naiveFiring} firing; ours ${oursFiring}${naiveFiring === oursFiring ? ' (same)' : ' (DIFFERENT)'}; ours runs: ${ours.all.map((x) => x.toFixed(0)).join(', ')} ms\n`
)
