/**
 * `stackci tags`: the git, EUPS, alias and image tags of a release.
 */

import { Option, type Command } from 'commander'
import {
  RELEASE_KINDS,
  releaseTags,
  type ReleaseKind
} from '../docker/release-tags.js'
import type { CliContext } from './context.js'
import { collectList } from './verify-command.js'

export interface TagsOptions {
  kind: ReleaseKind
  date?: string
  version?: string
  /** What `--version` arrives as (see {@link releaseVersionArgs}). */
  releaseVersion?: string
  timeZone?: string
  tagTemplate?: string[]
  branch?: string
  oLatest?: boolean
  json?: boolean
}

const RELEASE_COMMANDS = new Set(['tags', 'image', 'run'])

/**
 * `stackci tags --version 26.0.0`: the program's own `--version` would
 * answer first (commander reads program options after a subcommand too),
 * so for the release commands it is renamed before parsing.
 */
export function releaseVersionArgs(argv: readonly string[]): string[] {
  // The program's only option with a value is --summary FILE.
  const command = argv.findIndex(
    (a, i) => !a.startsWith('-') && argv[i - 1] !== '--summary'
  )
  if (command === -1 || !RELEASE_COMMANDS.has(argv[command] ?? ''))
    return [...argv]
  return argv.map((a, i) =>
    i <= command
      ? a
      : a === '--version'
        ? '--release-version'
        : a.startsWith('--version=')
          ? `--release-version=${a.slice('--version='.length)}`
          : a
  )
}

/**
 * The `tags` options shared with `image build|promote`; `image build` in a
 * project takes its kind from the profile, so there it may be left out.
 */
export function addReleaseOptions(
  command: Command,
  { kindRequired = true }: { kindRequired?: boolean } = {}
): Command {
  const kind = new Option('--kind <kind>', 'release kind').choices(
    RELEASE_KINDS
  )
  return command
    .addOption(kindRequired ? kind.makeOptionMandatory() : kind)
    .option(
      '--date <date>',
      'YYYY-MM-DD in the time zone, or an ISO instant (default: now)'
    )
    .option(
      '--version <version>',
      'release: 26.0.0; rc: 26.0.0.rc1; pr: the PR number; sha: the commit'
    )
    .addOption(new Option('--release-version <version>').hideHelp())
    .option(
      '--time-zone <zone>',
      'IANA time zone of dates (default America/Los_Angeles)'
    )
    .option(
      '--tag-template <template>',
      'image tag template(s) with {tag}, {git}, {timestamp} (repeatable; default {tag})',
      collectList
    )
    .option('--branch <name>', 'also tag with this branch name, sanitised')
    .option('--no-o-latest', 'a final release does not move o_latest')
}

/** The release request from `tags`-style options. */
export function releaseRequest(
  options: TagsOptions
): Parameters<typeof releaseTags>[0] {
  return {
    kind: options.kind,
    date: options.date,
    version: options.releaseVersion ?? options.version,
    timeZone: options.timeZone,
    templates: options.tagTemplate,
    branch: options.branch,
    oLatest: options.oLatest
  }
}

async function tagsCommand(
  ctx: CliContext,
  options: TagsOptions
): Promise<void> {
  const tags = releaseTags(releaseRequest(options))
  if (options.json === true) {
    await ctx.write(`${JSON.stringify(tags, null, 2)}\n`)
    return
  }
  const rows: [string, string][] = [
    ['kind', tags.kind],
    ['date', `${tags.date} (${tags.timeZone})`],
    ['git tag', tags.git ?? '-'],
    ['EUPS tag', tags.eups ?? '-'],
    ['aliases', tags.aliases.join(' ') || '-'],
    ['image tags', tags.tags.join(' ')]
  ]
  await ctx.write(
    `${rows.map(([k, v]) => `${k.padEnd(10)}  ${v}`).join('\n')}\n`
  )
}

/** Adds `tags` to the program. */
export function registerTagsCommand(program: Command, ctx: CliContext): void {
  addReleaseOptions(
    program
      .command('tags')
      .description(
        'release tags by the LSST conventions: git (w.2021.01), EUPS (w_2021_01), aliases, image tags'
      )
  )
    .option('--json', 'machine-readable output on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  stackci tags --kind weekly --date 2020-12-31        # w.2021.01, w_2021_01\n  stackci tags --kind rc --version 26.0.0.rc1 --json\n  stackci tags --kind daily --tag-template al9-{tag} --tag-template al9-{tag}-{timestamp}\n'
    )
    .action(async (options: TagsOptions) => {
      await tagsCommand(ctx, options)
    })
}
