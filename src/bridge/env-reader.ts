/**
 * Typed reads of environment variables that collect a problem — naming the
 * variable, the bad value and the fix — instead of throwing, so a
 * configuration reader can report every problem at once.
 */

import type { Problem } from '../core/errors.js'
import { parseDuration } from '../core/duration.js'
import type { Env } from '../core/env.js'

export class EnvReader {
  readonly problems: Problem[] = []
  constructor(readonly env: Env) {}

  fail(name: string, message: string, hint: string): void {
    this.problems.push({
      where: { path: name },
      message: `${name} ${message}`,
      hint
    })
  }

  string(name: string): string | undefined {
    const v = this.env[name]?.trim()
    return v === undefined || v === '' ? undefined : v
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name)
    if (raw === undefined) return fallback
    const n = Number(raw)
    if (/^\d+$/.test(raw) && n >= min && n <= max) return n
    this.fail(
      name,
      `must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`,
      `set ${name}=${fallback}`
    )
    return fallback
  }

  duration(name: string, fallback: string): number {
    const raw = this.string(name) ?? fallback
    try {
      return parseDuration(raw, name)
    } catch {
      this.fail(
        name,
        `must be a duration like 10s, 5m or 30d, got ${JSON.stringify(raw)}`,
        `set ${name}=${fallback}`
      )
      return parseDuration(fallback)
    }
  }

  choice<T extends string>(
    name: string,
    choices: readonly T[],
    fallback: T
  ): T {
    const raw = this.string(name)
    if (raw === undefined) return fallback
    if ((choices as readonly string[]).includes(raw)) return raw as T
    this.fail(
      name,
      `must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`,
      `set ${name}=${fallback}`
    )
    return fallback
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.string(name)?.toLowerCase()
    if (raw === undefined) return fallback
    if (['true', '1', 'yes', 'on'].includes(raw)) return true
    if (['false', '0', 'no', 'off'].includes(raw)) return false
    this.fail(
      name,
      `must be true or false, got ${JSON.stringify(raw)}`,
      `set ${name}=${String(fallback)}`
    )
    return fallback
  }

  url(name: string, fallback?: string): string | undefined {
    const raw = this.string(name) ?? fallback
    if (raw === undefined) return undefined
    try {
      const u = new URL(raw)
      if (u.protocol === 'http:' || u.protocol === 'https:') {
        if (u.username !== '' || u.password !== '') {
          this.fail(
            name,
            'must not carry credentials',
            `put them in the token variables instead`
          )
          return undefined
        }
        return raw
      }
    } catch {
      // reported below
    }
    this.fail(
      name,
      `must be an http(s) URL, got ${JSON.stringify(raw)}`,
      `set ${name}=https://…`
    )
    return undefined
  }

  bytes(name: string, fallback: number): number {
    const raw = this.string(name)
    if (raw === undefined) return fallback
    const m = /^(\d+)\s*([kKmM]?)[bB]?$/.exec(raw)
    if (m === null) {
      this.fail(
        name,
        `must be a size like 1m or 512k, got ${JSON.stringify(raw)}`,
        `set ${name}=1m`
      )
      return fallback
    }
    const unit = (m[2] ?? '').toLowerCase()
    return Number(m[1]) * (unit === 'm' ? 1024 * 1024 : unit === 'k' ? 1024 : 1)
  }

  secret(name: string): string | undefined {
    const v = this.string(name)
    if (v !== undefined && v.length < 16 && name.startsWith('BRIDGE_')) {
      this.fail(
        name,
        'is too short (at least 16 characters)',
        `generate one with: openssl rand -hex 32`
      )
      return
    }
    return v
  }
}
