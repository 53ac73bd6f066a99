/**
 * `stackci image build|push|promote`: the stack-image step from a shell or
 * a Jenkinsfile. Registry credentials come from STACKCI_REGISTRY_USERNAME /
 * STACKCI_REGISTRY_PASSWORD or --username with --password-stdin, never from
 * a flag value (which `ps` would show).
 */

import type { Command } from 'commander'
import { InputError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { BuildStepError } from '../docker/build-log.js'
import { connectDocker, checkEngine } from '../docker/client.js'
import {
  checkRegistryAuth,
  checkRepository,
  pushTags,
  registryAuth
} from '../docker/registry.js'
import type { StackImageResult } from '../docker/stack-image.js'
import {
  runStackImageStep,
  stackImageInputsFromFlags,
  stackImageSummary,
  type StackImageFlags
} from '../docker/step.js'
import type { ReleaseKind } from '../docker/release-kinds.js'
import { standaloneImageProject } from '../pipeline/image-step.js'
import { EXIT, type CliContext } from './context.js'
import { projectConfig } from './project.js'
import {
  addReleaseOptions,
  registerTagsCommand,
  type TagsOptions
} from './tags-command.js'

interface RegistryOptions {
  registry?: string
  username?: string
  passwordStdin?: boolean
  dockerHost?: string
  json?: boolean
}

interface BuildOptions
  extends
    Omit<TagsOptions, 'kind'>,
    RegistryOptions,
    Omit<StackImageFlags, 'kind' | 'noCache' | 'version'> {
  kind?: ReleaseKind
  cache?: boolean
  config?: string
  profile?: string
}

interface PromoteOptions extends TagsOptions, RegistryOptions {
  from: string
  push?: boolean
}

function repeat(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/** The password from stdin when asked (never a flag value). */
async function readPassword(
  options: RegistryOptions
): Promise<string | undefined> {
  if (options.passwordStdin !== true) return undefined
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

/** The image commands' flags as the step reads them. */
async function stepFlags(
  options: TagsOptions | BuildOptions,
  extra: StackImageFlags = {}
): Promise<StackImageFlags> {
  const password = await readPassword(options)
  return {
    ...options,
    ...extra,
    version: options.releaseVersion ?? options.version,
    ...(password === undefined ? {} : { password })
  }
}

/** `image push`: the user and password from flags or the environment. */
async function credentials(
  options: RegistryOptions,
  reporter: Reporter
): Promise<{ username?: string; password?: string }> {
  const password =
    (await readPassword(options)) ??
    (process.env.STACKCI_REGISTRY_PASSWORD || undefined)
  reporter.mask(password)
  const username =
    options.username ?? (process.env.STACKCI_REGISTRY_USERNAME || undefined)
  return {
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password })
  }
}

async function report(
  ctx: CliContext,
  result: StackImageResult,
  json: boolean
): Promise<void> {
  await ctx.reporter.summary(stackImageSummary(result))
  if (json) {
    const { release, ...rest } = result
    await ctx.write(`${JSON.stringify({ ...rest, release }, null, 2)}\n`)
  } else {
    await ctx.write(
      `${[`image     ${result.image}`, `image id  ${result.imageId}`, `digest    ${result.digest ?? '(not pushed)'}`, ...result.tags.map((t) => `tag       ${t}`)].join('\n')}\n`
    )
  }
}

/** A failed build step is the thing checked failing (exit 1), not bad input. */
function failedBuild(ctx: CliContext, error: unknown): void {
  ctx.fail(error)
  if (error instanceof BuildStepError) ctx.exitCode = EXIT.failed
}

function addRegistryOptions(command: Command): Command {
  return command
    .option(
      '--registry <repository>',
      'where the image goes: host[:port]/path (e.g. ghcr.io/lsst/scipipe)'
    )
    .option(
      '--username <user>',
      'registry user (default $STACKCI_REGISTRY_USERNAME)'
    )
    .option(
      '--password-stdin',
      'read the registry password from stdin (default $STACKCI_REGISTRY_PASSWORD)'
    )
    .option(
      '--docker-host <host>',
      'Docker engine (default $DOCKER_HOST or unix:///var/run/docker.sock)'
    )
    .option('--json', 'machine-readable result on stdout')
}

/** Adds `tags` and `image build|push|promote`. */
export function registerImageCommands(program: Command, ctx: CliContext): void {
  registerTagsCommand(program, ctx)
  const image = program
    .command('image')
    .description(
      'stack images: build with release tags and provenance labels, push, promote'
    )

  addRegistryOptions(
    addReleaseOptions(
      image
        .command('build')
        .description(
          'build the stack image (classic builder), tag it by the release conventions, push it with --push;\n' +
            'inside a project (a stackci.yml here) image: and registry: give the defaults and the\n' +
            "profile's release kind is the default --kind; flags override"
        )
        .argument(
          '[context]',
          'build context directory (default: image.context, else .)'
        ),
      { kindRequired: false }
    )
  )
    .option('--config <file>', 'the project file (default ./stackci.yml)')
    .option(
      '--profile <name>',
      "the profile whose release kind is the default (default: the file's)"
    )
    .option('-f, --file <path>', 'Dockerfile (default <context>/Dockerfile)')
    .option('--build-arg <KEY=VALUE>', 'build argument (repeatable)', repeat)
    .option('--label <KEY=VALUE>', 'extra image label (repeatable)', repeat)
    .option('--target <stage>', 'build up to this stage')
    .option('--no-cache', 'do not use the build cache')
    .option('--push', 'push every tag to --registry')
    .option(
      '--timeout <duration>',
      'give up after this long (default: image.timeout, else 6h)'
    )
    .action(async (context: string | undefined, options: BuildOptions) => {
      try {
        const env = process.env
        const config = await projectConfig(options.config)
        const project =
          config === undefined
            ? undefined
            : standaloneImageProject(config, env, {
                profile: options.profile,
                kind: options.kind,
                version: options.releaseVersion ?? options.version,
                date: options.date
              })
        const inputs = stackImageInputsFromFlags(
          await stepFlags(options, {
            context,
            noCache: options.cache === false ? true : undefined
          }),
          env,
          project
        )
        const result = await runStackImageStep(inputs, {
          reporter: ctx.reporter,
          env,
          workspace: process.cwd(),
          project: project?.project,
          oLatest: options.oLatest
        })
        await report(ctx, result, options.json === true)
      } catch (error) {
        failedBuild(ctx, error)
      }
    })

  addRegistryOptions(
    image
      .command('push')
      .description(
        'push local images (repository:tag …) with registry auth; prints each digest'
      )
      .argument('<refs...>', 'local images to push, as repository:tag')
  ).action(async (refs: string[], options: RegistryOptions) => {
    const r = ctx.reporter
    const creds = await credentials(options, r)
    const engine = await connectDocker(options.dockerHost)
    await checkEngine(engine, r)
    const out: { ref: string; digest: string }[] = []
    for (const ref of refs) {
      const colon = ref.lastIndexOf(':')
      if (colon <= ref.lastIndexOf('/'))
        throw new InputError(`${ref} has no tag`, {
          hint: 'give repository:tag'
        })
      const repository = checkRepository(ref.slice(0, colon), 'image')
      const auth = registryAuth(repository, creds.username, creds.password, r)
      if (auth !== undefined) await checkRegistryAuth(engine, auth, r)
      const [pushed] = await pushTags(
        engine,
        repository,
        [ref.slice(colon + 1)],
        auth,
        r
      )
      if (pushed !== undefined) out.push({ ref, digest: pushed.digest })
    }
    await ctx.write(
      options.json === true
        ? `${JSON.stringify(out, null, 2)}\n`
        : `${out.map((o) => `${o.ref} ${o.digest}`).join('\n')}\n`
    )
  })

  addRegistryOptions(
    addReleaseOptions(
      image
        .command('promote')
        .description(
          'publish an already pushed (and tested) image under its release tags and move the aliases, by digest through the registry API (an index stays whole)'
        )
        .requiredOption(
          '--from <image>',
          'the image to promote, in the registry: host/path:tag or host/path@sha256:…'
        )
    )
  )
    .option('--no-push', 'only say what would move (a dry run)')
    .action(async (options: PromoteOptions) => {
      const env = process.env
      const inputs = stackImageInputsFromFlags(
        await stepFlags(options, {
          promoteFrom: options.from,
          push: options.push !== false
        }),
        env
      )
      const result = await runStackImageStep(inputs, {
        reporter: ctx.reporter,
        env,
        workspace: process.cwd(),
        oLatest: options.oLatest
      })
      await report(ctx, result, options.json === true)
    })
}
