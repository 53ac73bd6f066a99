/**
 * The release kinds, apart from the tag arithmetic: the stack-image door
 * checks its `kind` input and says what it will build before the release
 * tag code is loaded.
 */

export const RELEASE_KINDS = [
  'daily',
  'weekly',
  'release',
  'rc',
  'pr',
  'sha'
] as const
export type ReleaseKind = (typeof RELEASE_KINDS)[number]
