/**
 * Which profile runs, and what it means: its steps in pipeline order, the
 * release kind the image is tagged by, the Jenkins job. A file without
 * `profiles:` keeps working: it runs the steps its sections describe.
 */

import {
  PIPELINE_STEPS,
  type PipelineStepName,
  type ProfileSection,
  type StackciConfig
} from '../core/config.js'
import { ConfigError, InputError } from '../core/errors.js'

export type ReleaseKindName = NonNullable<ProfileSection['kind']>

export interface ResolvedProfile {
  name: string
  section: ProfileSection
  /** In pipeline order, whatever order the file lists them in. */
  steps: PipelineStepName[]
  onFailure: 'stop' | 'continue'
  kind: ReleaseKindName
}

/** The release kind a standard profile tags by. */
const KIND_BY_PROFILE: Record<string, ReleaseKindName> = {
  pr: 'pr',
  daily: 'daily',
  weekly: 'weekly',
  stable: 'release',
  local: 'sha'
}

/** Profiles that include `promote` after `stack-image` without listing it. */
const RELEASE_PROFILES = ['daily', 'weekly', 'stable']

/**
 * Only `only` of the profile's steps (`--steps dispatch-metrics,promote`,
 * the collect job of a fanned-out run); a step the profile lacks is an
 * InputError naming those it has.
 */
export function onlySteps(
  profile: ResolvedProfile,
  only: readonly string[] | undefined
): ResolvedProfile {
  if (only === undefined) return profile
  const unknown = only.filter(
    (s) => !(profile.steps as readonly string[]).includes(s)
  )
  if (unknown.length > 0) {
    throw new InputError(
      `profile ${profile.name} has no step ${unknown.join(', ')}`,
      { hint: `its steps: ${profile.steps.join(', ')}` }
    )
  }
  return { ...profile, steps: profile.steps.filter((s) => only.includes(s)) }
}

/** The profile of a file that has no `profiles:`: what its sections describe. */
function implicitProfile(config: StackciConfig): ProfileSection {
  const steps: PipelineStepName[] = []
  if (config.lint !== undefined) steps.push('lint')
  if (config.image !== undefined) steps.push('stack-image')
  if (config.integration !== undefined) steps.push('integration')
  if (config.verify !== undefined) steps.push('verify')
  if (config.metrics !== undefined) steps.push('dispatch-metrics')
  if (config.report !== undefined) steps.push('report')
  if (config.notebooks !== undefined) steps.push('notebook')
  return { steps, description: 'the steps the file has sections for' }
}

/**
 * The profile to run: `name`, else the file's `default-profile`, else
 * `local` when it exists, else the only one; a file without profiles runs
 * its sections.
 */
export function resolveProfile(
  config: StackciConfig,
  name: string | undefined,
  version?: string
): ResolvedProfile {
  const profiles = config.profiles ?? {}
  const names = Object.keys(profiles)
  let chosen = name ?? config['default-profile']
  if (chosen === undefined) {
    if ('local' in profiles) chosen = 'local'
    else if (names.length === 1) chosen = names[0]
  }
  let section: ProfileSection | undefined
  if (chosen === undefined && names.length === 0) {
    chosen = 'default'
    section = implicitProfile(config)
  } else if (chosen === undefined) {
    throw new ConfigError(`several profiles and none chosen`, {
      where: { file: config.file },
      hint: `pass --profile (${names.join(', ')}) or set default-profile`
    })
  } else {
    section = profiles[chosen]
  }
  if (section === undefined) {
    throw new ConfigError(`no profile ${JSON.stringify(chosen)}`, {
      where: { file: config.file, path: 'profiles' },
      hint:
        names.length === 0
          ? 'add a profiles: section (see docs/configuration.md)'
          : `profiles: ${names.join(', ')}`
    })
  }
  // Release profiles publish only what passed: promote is theirs by default.
  const promotes =
    RELEASE_PROFILES.includes(chosen) &&
    section.steps.includes('stack-image') &&
    section.push !== false
  const listed: readonly string[] = promotes
    ? [...section.steps, 'promote']
    : section.steps
  const steps = PIPELINE_STEPS.filter((s) => listed.includes(s))
  const fallbackKind =
    KIND_BY_PROFILE[chosen] === 'release' &&
    version !== undefined &&
    /rc\d+$/i.test(version)
      ? 'rc'
      : (KIND_BY_PROFILE[chosen] ?? 'sha')
  return {
    name: chosen,
    section,
    steps,
    onFailure: section['on-failure'] ?? 'stop',
    kind: section.kind ?? fallbackKind
  }
}
