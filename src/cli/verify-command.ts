/**
 * `stackci verify list` and `stackci verify check`.
 */

import { formatOutcome, plural } from '../core/format.js'
import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { errorMessage, InputError } from '../core/errors.js'
import {
  checkJobFiles,
  expandJobPaths,
  formatTextTable,
  loadDefinitions,
  reportRows,
  resultToJson,
  specToJson,
  verifyGateSummary,
  type Definitions,
  type JobOutcome,
  type ReportRow
} from '../verify/index.js'
import { EXIT, type CliContext } from './context.js'

/** Failing specifications listed in the `--summary` Markdown, at most. */
const SUMMARY_LIMIT = 1000

/** Splits `a,b` and repeated flags into one list. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
  ]
}

async function load(ctx: CliContext, dir: string): Promise<Definitions> {
  const defs = await loadDefinitions(dir)
  for (const w of defs.warnings) {
    ctx.reporter.warning(w.message, {
      ...(w.where.file === undefined ? {} : { file: w.where.file }),
      ...(w.where.line === undefined ? {} : { startLine: w.where.line })
    })
  }
  return defs
}

interface ListOptions {
  definitions: string
  json?: boolean
  package?: string
  tags?: string[]
}

async function listCommand(
  ctx: CliContext,
  options: ListOptions
): Promise<void> {
  const defs = await load(ctx, options.definitions)
  const inPackage = (name: string): boolean =>
    options.package === undefined || name.startsWith(`${options.package}.`)
  const tags = options.tags ?? []
  const metrics = [...defs.metrics.values()]
    .filter((m) => inPackage(m.name))
    .sort((a, b) => compare(a.name, b.name))
  const specs = [...defs.specs.values()]
    .filter((s) => inPackage(s.name) && tags.every((t) => s.tags.includes(t)))
    .sort((a, b) => compare(a.name, b.name))
  if (options.json === true) {
    await ctx.write(
      `${JSON.stringify({
        metrics: metrics.map((m) => ({
          name: m.name,
          unit: m.unit.name,
          description: m.description,
          tags: m.tags
        })),
        specifications: specs.map((s) => {
          const json = specToJson(s)
          return {
            name: s.name,
            metric: s.metricName,
            threshold: json.threshold,
            tags: s.tags,
            metadata_query: s.metadataQuery
          }
        }),
        partials: [...defs.partials.keys()].sort()
      })}\n`
    )
    return
  }
  const lines: string[] = []
  lines.push(
    `${metrics.length} metrics, ${specs.length} specifications, ${defs.partials.size} partials in ${options.definitions}`,
    '',
    'Metrics:'
  )
  for (const m of metrics) {
    lines.push(
      `  ${m.name}  [${m.unit.name || 'dimensionless'}]  ${m.tags.join(', ')}`
    )
  }
  lines.push('', 'Specifications:')
  for (const s of specs) {
    const t = s.threshold
    const query = Object.entries(s.metadataQuery)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ')
    lines.push(
      `  ${s.name}  ${t.operator} ${t.value} ${t.unit.name}  [${s.tags.join(', ')}]${query ? `  ${query}` : ''}`
    )
  }
  await ctx.write(`${lines.join('\n')}\n`)
}

interface CheckCommandOptions {
  definitions: string
  json?: boolean
  tags?: string[]
  jobsFrom?: string
  includeUnmeasured?: boolean
  strict?: boolean
  table?: boolean
  concurrency?: string
}

async function readJobList(file: string): Promise<string[]> {
  const text = file === '-' ? await readStdin() : await readFile(file, 'utf8')
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

async function checkCommand(
  ctx: CliContext,
  jobArgs: string[],
  options: CheckCommandOptions
): Promise<void> {
  const args = [...jobArgs]
  if (options.jobsFrom !== undefined)
    args.push(...(await readJobList(options.jobsFrom)))
  if (args.length === 0) {
    throw new InputError('no job files given', {
      hint: 'stackci verify check --definitions DIR JOB.verify.json... (or a directory, or --jobs-from FILE)'
    })
  }
  const concurrency =
    options.concurrency === undefined ? 16 : Number(options.concurrency)
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InputError(
      `--concurrency must be a positive integer, got ${JSON.stringify(options.concurrency)}`
    )
  }
  const [defs, files] = await Promise.all([
    load(ctx, options.definitions),
    expandJobPaths(args)
  ])
  if (files.length === 0) {
    throw new InputError(`no *.verify.json files found in ${args.join(', ')}`)
  }
  const json = options.json === true
  const showTables = options.table ?? files.length <= 10
  const progress =
    files.length > 50
      ? ctx.reporter.progress('checking jobs', files.length)
      : undefined
  let first = true
  if (json) await ctx.write('{"jobs":[')
  const failures: (ReportRow & { file: string })[] = []
  const onJob = async (outcome: JobOutcome): Promise<void> => {
    const results = outcome.results ?? []
    reportRows(results).forEach((row, i) => {
      if (results[i]?.passed === false && failures.length < SUMMARY_LIMIT) {
        failures.push({ ...row, file: outcome.file })
      }
    })
    if (json) {
      const entry = {
        file: outcome.file,
        results: (outcome.results ?? []).map(resultToJson),
        ...(outcome.error === undefined
          ? {}
          : { error: errorMessage(outcome.error) })
      }
      await ctx.write(`${first ? '' : ','}\n${JSON.stringify(entry)}`)
      first = false
    } else {
      await printOutcome(ctx, outcome, showTables)
    }
    if (outcome.error !== undefined)
      ctx.reporter.error(errorMessage(outcome.error))
  }
  const totals = await checkJobFiles(files, defs, {
    ...(options.tags === undefined ? {} : { tags: options.tags }),
    includeUnmeasured: options.includeUnmeasured === true,
    concurrency,
    onJob,
    ...(progress === undefined ? {} : { progress })
  })
  progress?.done()
  if (json) await ctx.write('\n]}\n')
  const summary = `${plural(totals.jobs, 'job')}: ${formatOutcome(totals)}${totals.errors > 0 ? `, ${totals.errors} unreadable` : ''}`
  if (json) ctx.reporter.info(summary)
  else await ctx.write(`\n${summary}\n`)
  await ctx.reporter.summary(
    verifyGateSummary({
      totals,
      passed: totals.failed === 0 && totals.errors === 0,
      failures,
      errors: []
    })
  )
  if (totals.errors > 0) ctx.exitCode = EXIT.error
  else if (
    totals.failed > 0 ||
    (options.strict === true && totals.noValue > 0)
  ) {
    ctx.exitCode = EXIT.failed
  }
}

async function printOutcome(
  ctx: CliContext,
  outcome: JobOutcome,
  table: boolean
): Promise<void> {
  if (outcome.error !== undefined || outcome.results === undefined) {
    await ctx.write(`${outcome.file}: not checked\n`)
    return
  }
  const c = outcome.counts ?? { passed: 0, failed: 0, noValue: 0 }
  const head = `${outcome.file}: ${formatOutcome(c)}`
  if (outcome.results.length === 0) {
    await ctx.write(`${head} (no specification applies to this job)\n`)
    return
  }
  const rows = reportRows(outcome.results)
  if (table) {
    await ctx.write(`${head}\n${formatTextTable(rows)}\n\n`)
  } else {
    const failed = rows.filter(
      (_r, i) => outcome.results?.[i]?.passed === false
    )
    await ctx.write(
      `${head}\n${failed.map((r) => `  ${r.status} ${r.spec}: ${r.measurement} (${r.test})`).join('\n')}${failed.length > 0 ? '\n' : ''}`
    )
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Adds `verify list` and `verify check` to the program. */
export function registerVerifyCommands(
  program: Command,
  ctx: CliContext
): void {
  const verify = program
    .command('verify')
    .description(
      'lsst.verify metrics and specifications: list them, check jobs against them'
    )

  verify
    .command('list')
    .description('list the metrics and specifications of a metrics package')
    .requiredOption(
      '--definitions <dir>',
      'directory holding metrics/ and specs/ (the verify_metrics layout)'
    )
    .option('--package <name>', 'only this package')
    .option(
      '--tags <tags>',
      'only specifications with all these tags (comma separated)',
      collectList
    )
    .option('--json', 'machine-readable output on stdout')
    .action(async (options: ListOptions) => {
      await listCommand(ctx, options)
    })

  verify
    .command('check')
    .description(
      'evaluate verify jobs against the specifications (exit 0 all pass, 1 any fails, 2 bad input)'
    )
    .argument(
      '[jobs...]',
      'verify job JSON files, or directories of *.verify.json'
    )
    .requiredOption(
      '--definitions <dir>',
      'directory holding metrics/ and specs/'
    )
    .option(
      '--tags <tags>',
      'only specifications with all these tags (comma separated)',
      collectList
    )
    .option(
      '--jobs-from <file>',
      'read job paths from a file, one per line (- for stdin)'
    )
    .option(
      '--include-unmeasured',
      'also list applicable specifications whose metric was not measured'
    )
    .option('--strict', 'a specification without a value fails too')
    .option(
      '--table',
      'print the full table for every job (default: only for 10 jobs or fewer)'
    )
    .option('--no-table', 'print only failing specifications')
    .option('--concurrency <n>', 'job files read at once', '16')
    .option('--json', 'machine-readable output on stdout')
    .action(async (jobs: string[], options: CheckCommandOptions) => {
      await checkCommand(ctx, jobs, options)
    })
}
