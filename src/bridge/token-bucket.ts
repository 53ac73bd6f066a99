/**
 * A token bucket: `ratePerMinute` on average, `burst` at once. The relays use
 * it for budgets shared by all lanes (Slack's workspace-wide chat.update
 * tier, GitHub's content-creation limit of 80 per minute).
 */
export class TokenBucket {
  readonly #perMs: number
  readonly #burst: number
  #tokens: number
  #at: number

  constructor(
    ratePerMinute: number,
    burst: number,
    readonly now: () => number = Date.now
  ) {
    this.#perMs = ratePerMinute / 60_000
    this.#burst = Math.max(1, burst)
    this.#tokens = this.#burst
    this.#at = now()
  }

  #refill(): void {
    const now = this.now()
    this.#tokens = Math.min(
      this.#burst,
      this.#tokens + (now - this.#at) * this.#perMs
    )
    this.#at = now
  }

  /** Takes a token if there is one. */
  take(): boolean {
    this.#refill()
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }

  /** Milliseconds until a token is available (0 if one is). */
  waitMs(): number {
    this.#refill()
    return this.#tokens >= 1 ? 0 : Math.ceil((1 - this.#tokens) / this.#perMs)
  }
}
