/** The flags of `stackci metrics dispatch|report|replay|history|accept|export`. */

import type { Command } from 'commander'
import { DEFAULT_BASELINE, ENV_CHOICES } from '../metrics/index.js'
import { collectList } from './verify-command.js'

/** Adds the store flags to a command. */
export function storeOptions(cmd: Command): Command {
  return cmd
    .option(
      '--config <file>',
      'stackci.yml with a metrics: section (default: ./stackci.yml if present)'
    )
    .option(
      '--definitions <dir>',
      'metric definitions (metrics/ and specs/): normalise units, gate, directions'
    )
    .option(
      '--sqlite <file>',
      'the SQLite store (default when no store is configured: .stackci/metrics.sqlite)'
    )
    .option('--no-sqlite', 'no SQLite store')
    .option(
      '--influxdb <url>',
      'an InfluxDB 1.x store (credentials: INFLUXDB_USERNAME, INFLUXDB_PASSWORD)'
    )
    .option('--influxdb-db <name>', 'the InfluxDB database (default stackci)')
    .option('--influxdb-rp <name>', 'the InfluxDB retention policy')
    .option(
      '--squash <url>',
      'a SQuaSH API root (credentials: SQUASH_USER, SQUASH_PASSWORD)'
    )
    .option(
      '--sasquatch <url>',
      'a Sasquatch Kafka REST proxy (token: SASQUATCH_TOKEN)'
    )
    .option(
      '--sasquatch-namespace <ns>',
      'the Sasquatch namespace (default lsst.dm)'
    )
    .option(
      '--sasquatch-dataset <name>',
      'the dataset_tag of the records (default: the dataset, else Generic)'
    )
    .option(
      '--git <url[#branch]>',
      'a git store: the history as files on a branch (default stackci-metrics); token for https: GITHUB_TOKEN'
    )
    .option(
      '--spool <dir>',
      'where failed sends wait for replay (default .stackci/spool)'
    )
    .option('--no-spool', 'no spool: a failed send is an error')
    .option(
      '--history <store>',
      'the store history is read from: sqlite, git or influxdb'
    )
}

/** Adds the dispatch/report flags to a command. */
export function dispatchOptions(cmd: Command): Command {
  return storeOptions(cmd)
    .option(
      '--dry-run',
      'validate and print what would be sent; store nothing, tell nobody'
    )
    .option('--no-replay', 'do not send the spool first')
    .option(
      '--series <name>',
      'the history series of these jobs (default: from the release tag or ref)'
    )
    .option('--baseline <series>', 'the series to compare with (default main)')
    .option(
      '--env <name>',
      `meta.env to add: ${ENV_CHOICES.join(', ')} (default auto)`
    )
    .option(
      '--date-created <iso>',
      "the jobs' date, ISO 8601 in UTC (default: the job's own, else now)"
    )
    .option('--image-digest <digest>', 'provenance: the stack image digest')
    .option(
      '--release-tag <tag>',
      'provenance: the release tag (w_2026_48, d_2026_11_27, v29_0)'
    )
    .option('--git-sha <sha>', 'provenance: the commit')
    .option(
      '--dataset <name>',
      'provenance: the dataset (default: from the job metadata)'
    )
    .option('--instrument <name>', 'provenance: the instrument')
    .option('--filter <name>', 'provenance: the filter/band')
    .option(
      '--packages <file>',
      'meta.packages: a JSON object or an lsstsw manifest.txt'
    )
    .option('--ignore-blobs', 'send no blobs')
    .option(
      '--fail-tags <tags>',
      'failing specs with these tags fail the gate (default minimum)',
      collectList
    )
    .option(
      '--warn-tags <tags>',
      'failing specs with these tags warn (default design)',
      collectList
    )
    .option(
      '--regressions <mode>',
      'regressions: fail, warn or ignore (default warn)'
    )
    .option(
      '--consecutive <k>',
      `breaches in a row that make a regression on the baseline series (default ${DEFAULT_BASELINE.consecutive}; on a PR one breach)`
    )
    .option(
      '--min-samples <n>',
      `baseline points needed for a verdict (default ${DEFAULT_BASELINE.minSamples})`
    )
    .option(
      '--window <n>',
      `baseline points used (default ${DEFAULT_BASELINE.window})`
    )
    .option(
      '--key-metrics <names>',
      'metrics charted in the report',
      collectList
    )
    .option('--no-gate', 'exit 0 even when the gate fails')
    .option(
      '--no-comment',
      'no PR comment (default: when GITHUB_TOKEN and a PR are known)'
    )
    .option('--pr <number>', 'the pull request to comment on')
    .option('--repo <owner/name>', 'its repository (default GITHUB_REPOSITORY)')
    .option(
      '--slack-channel <channel>',
      'alert this channel (token: SLACK_BOT_TOKEN)'
    )
    .option('--slack-thread-ts <ts>', "post the alert in the build's thread")
    .option('--fail-on-spool', 'exit 2 when a send had to be spooled')
    .option('--json', 'the report as JSON on stdout')
}
