/**
 * Names of packages, metrics and specifications (`package.metric.spec`), as
 * lsst.verify's `Name` builds and checks them: components come from several
 * arguments, must agree, and a package with a spec but no metric is an error.
 */

/** A possibly partial name; at least one component is set. */
export interface Name {
  package?: string
  metric?: string
  spec?: string
}

/** Thrown when name components cannot be parsed or conflict. */
export class NameError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'NameError'
  }
}

function splitFqn(text: string): Name {
  const parts = text.split('.')
  switch (parts.length) {
    case 1:
      return { package: parts[0] }
    case 2:
      return { package: parts[0], metric: parts[1] }
    case 3:
      return { package: parts[0], metric: parts[1], spec: parts[2] }
    default:
      throw new NameError(
        `cannot parse fully qualified name ${JSON.stringify(text)}`
      )
  }
}

function splitMetric(text: string): Name {
  const parts = text.split('.')
  if (parts.length === 1) return { metric: parts[0] }
  if (parts.length === 2) return { package: parts[0], metric: parts[1] }
  throw new NameError(`cannot parse metric name ${JSON.stringify(text)}`)
}

function splitSpec(text: string): Name {
  const parts = text.split('.')
  if (parts.length === 1) return { spec: parts[0] }
  if (parts.length === 2) return { metric: parts[0], spec: parts[1] }
  if (parts.length === 3) {
    return { package: parts[0], metric: parts[1], spec: parts[2] }
  }
  throw new NameError(`cannot parse specification name ${JSON.stringify(text)}`)
}

/**
 * Builds a name from any mix of components, each possibly qualified:
 * `makeName({package: 'validate_drp', spec: 'PA1.design'})` is
 * `validate_drp.PA1.design`. Throws {@link NameError} on conflicts.
 */
export function makeName(parts: {
  package?: string | undefined
  metric?: string | undefined
  spec?: string | undefined
}): Name {
  const out: Name = {}
  const merge = (extra: Name): void => {
    for (const key of ['package', 'metric', 'spec'] as const) {
      const value = extra[key]
      if (value === undefined) continue
      const current = out[key]
      if (current !== undefined && current !== value) {
        throw new NameError(
          `conflicting ${key} names ${JSON.stringify(current)} and ${JSON.stringify(value)}`
        )
      }
      out[key] = value
    }
  }
  if (parts.package !== undefined) merge(splitFqn(parts.package))
  if (parts.metric !== undefined) merge(splitMetric(parts.metric))
  if (parts.spec !== undefined) merge(splitSpec(parts.spec))
  if (
    out.package !== undefined &&
    out.spec !== undefined &&
    out.metric === undefined
  ) {
    throw new NameError(
      `specification ${JSON.stringify(parts.spec)} has no metric (write it as METRIC.${parts.spec ?? ''} or set "metric")`
    )
  }
  return out
}

/** The canonical dotted form, as qualified as the name allows. */
export function formatName(name: Name): string {
  return [name.package, name.metric, name.spec]
    .filter((p) => p !== undefined)
    .join('.')
}

/** True when every component the name's kind needs is present. */
export function isFullyQualified(name: Name): boolean {
  if (name.spec !== undefined) {
    return name.package !== undefined && name.metric !== undefined
  }
  if (name.metric !== undefined) return name.package !== undefined
  return name.package !== undefined
}

/**
 * True when `inner` lies inside `outer`: a spec in its metric or package, a
 * metric in its package (lsst.verify's `Name.__contains__`).
 */
export function nameContains(outer: Name, inner: Name): boolean {
  if (outer.spec !== undefined) return false
  if (outer.metric === undefined) {
    // A package contains metrics and specs of that package.
    if (inner.metric === undefined && inner.spec === undefined) return false
    return outer.package === inner.package
  }
  if (inner.metric !== undefined && inner.spec === undefined) return false
  if (outer.package !== undefined || inner.package !== undefined) {
    if (outer.package !== inner.package) return false
  }
  return outer.metric === inner.metric
}
