/**
 * The state of one standing alert and how an evaluation moves it:
 * `ok → pending → firing → resolved`, as a pure function of the previous
 * state, what the evaluation saw, and the clock. Only the moves into
 * `firing` and into `resolved` are announced, each once: the move and the
 * claim to announce it are one conditional write in the store (see
 * {@link AlertStateStore.claim}), so two evaluators racing on one store
 * send one notification between them.
 */

export type AlertStatus = 'ok' | 'pending' | 'firing' | 'resolved'

/** One alert as the store keeps it. */
export interface AlertState {
  /** `rule:subject`, e.g. `pa1-minimum:validate_drp.PA1|HSC RC2|HSC|HSC-I@main`. */
  key: string
  rule: string
  status: AlertStatus
  /** Consecutive evaluations that saw the condition. */
  count: number
  /** Epoch ms of the last status change. */
  changedAt: number
  /** Epoch ms the current (or last) firing began. */
  firingSince?: number
  /** The current status has been announced, or claimed for announcing. */
  announced: boolean
  /** What the last evaluation saw, for messages and `alerts check`. */
  summary: string
  /** The firing message, whose thread the resolution goes to. */
  slack?: { channel: string; ts: string }
  /** The alert's GitHub issue (reopened, never duplicated). */
  issue?: number
  evaluatedAt: number
  /** Bumped by every claimed write; 0 when the store has no row. */
  version: number
}

/** What one evaluation saw for one alert key. */
export interface Observation {
  key: string
  rule: string
  /** The condition holds (an excursion, a regression, a dead man). */
  active: boolean
  summary: string
}

export interface TransitionContext {
  now: number
  /** Consecutive evaluations before firing. */
  for: number
  /** The flapping guard: no firing↔resolved change sooner than this. */
  minIntervalMs: number
  /** A silence covers this alert now. */
  silenced: boolean
}

/** A change to write; `announce` says which notification it claims. */
export interface Transition {
  next: AlertState
  announce?: 'firing' | 'resolved'
}

/** The state of a key the store has never seen. */
export function initialState(key: string, rule: string): AlertState {
  return {
    key,
    rule,
    status: 'ok',
    count: 0,
    changedAt: 0,
    announced: true,
    summary: '',
    evaluatedAt: 0,
    version: 0
  }
}

/**
 * The next state, or undefined when nothing needs writing (an ok key that
 * stays ok, a firing alert still firing). A silence defers the firing
 * announcement until it expires; a resolution of an announced firing is
 * always announced, so its thread and issue are closed.
 */
export function advance(
  prev: AlertState,
  obs: Observation,
  c: TransitionContext
): Transition | undefined {
  // The common answer, an ok key staying ok, allocates nothing.
  if (!obs.active && prev.status === 'ok') return undefined
  if (obs.active && prev.status === 'firing' && (prev.announced || c.silenced))
    return undefined
  const base = { ...prev, summary: obs.summary, evaluatedAt: c.now }
  const guarded = c.now - prev.changedAt < c.minIntervalMs
  if (obs.active) {
    if (prev.status === 'firing')
      return { next: { ...base, announced: true }, announce: 'firing' }
    const count = prev.count + 1
    if (count < c.for || (prev.status === 'resolved' && guarded)) {
      // Pending (or held by the flapping guard): counted, not announced.
      const status = prev.status === 'resolved' ? 'resolved' : 'pending'
      return { next: { ...base, status, count } }
    }
    // A new firing gets a new Slack message (and thread); the issue stays.
    const { slack: _previous, ...rest } = base
    const next: AlertState = {
      ...rest,
      status: 'firing',
      count,
      changedAt: c.now,
      firingSince: c.now,
      announced: !c.silenced
    }
    return c.silenced ? { next } : { next, announce: 'firing' }
  }
  switch (prev.status) {
    case 'ok':
      return undefined
    case 'pending':
      return { next: { ...base, status: 'ok', count: 0 } }
    case 'resolved':
      // An announcement that failed to go out is tried again.
      if (!prev.announced)
        return { next: { ...base, announced: true }, announce: 'resolved' }
      return prev.count === 0 ? undefined : { next: { ...base, count: 0 } }
    case 'firing': {
      if (guarded) return undefined
      const next: AlertState = {
        ...base,
        status: 'resolved',
        count: 0,
        changedAt: c.now,
        announced: true
      }
      return prev.announced ? { next, announce: 'resolved' } : { next }
    }
  }
}

/**
 * Where alert state lives: in the metric store the rules watch (a table of
 * the SQLite file, files on the git store's branch; InfluxDB could
 * implement it once it can write conditionally). `claim` is the one write:
 * atomic compare-and-set on `version`.
 */
export interface AlertStateStore {
  readonly label: string
  /** Every stored alert (keys never stored are {@link initialState}). */
  load(): Promise<Map<string, AlertState>>
  /**
   * Writes `next` if the stored version is still `prev.version` (bumping
   * it); false when another evaluator got there first.
   */
  claim(prev: AlertState, next: AlertState): Promise<boolean>
  /**
   * Many claims at once, each its own compare-and-set (results in order);
   * stores without it are claimed one by one.
   */
  claimAll?(
    changes: readonly { prev: AlertState; next: AlertState }[]
  ): Promise<boolean[]>
  /** Records where an announcement went (Slack message, issue number). */
  recordDelivery(
    key: string,
    delivery: { slack?: { channel: string; ts: string }; issue?: number }
  ): Promise<void>
  /** An announcement failed: unclaim it, so the next pass retries. */
  releaseAnnouncement(key: string): Promise<void>
  /**
   * Called when a pass has announced everything: a store that keeps
   * deliveries back (the git store makes one commit of them) writes them.
   */
  flush?(): Promise<void>
  close(): Promise<void>
}
