/**
 * lsst.verify's `MetadataQuery`: does a specification apply to a job?
 */

import { pyEqual, type Doc } from './merge.js'

/**
 * Default mode: every query term exists in `metadata` and equals it (Python
 * `==`: `1 == 1.0`, lists in order); extra metadata keys are fine and an
 * empty query matches everything. `argDriven`: the reverse — every key of
 * `metadata` must be in the query, with an equal value.
 */
export function matchesQuery(
  query: Doc,
  metadata: Doc,
  argDriven = false
): boolean {
  const [terms, against] = argDriven ? [metadata, query] : [query, metadata]
  for (const key of Object.keys(terms)) {
    if (!Object.prototype.hasOwnProperty.call(against, key)) return false
    if (!pyEqual(terms[key], against[key])) return false
  }
  return true
}
