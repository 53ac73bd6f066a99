/**
 * Calendar arithmetic for release tags: the local date of an instant in a
 * time zone (through Intl, so DST follows the tz database), the US
 * week-based year and week that the LSST weekly tags use, and the Docker
 * timestamp suffix.
 *
 * Weekly numbering is Java's `YYYY`/`ww` under the US locale
 * (`WeekFields(SUNDAY, 1)`): weeks run Sunday to Saturday and week 1 is the
 * week holding 1 January, so the last days of December can belong to week 1
 * of the next year (2020-12-31 → 2021 week 01) and a year can have 53 weeks
 * (2022-12-29 → 2022 week 53). Neither ISO-8601 weeks nor strftime `%U`.
 */

import { InputError } from '../core/errors.js'

/** A calendar date with no time and no zone. */
export interface CalendarDate {
  year: number
  /** 1–12. */
  month: number
  /** 1–31. */
  day: number
}

const DAY_MS = 86_400_000

/** The default zone of every date computation: where the LSST crons run. */
export const DEFAULT_TIME_ZONE = 'America/Los_Angeles'

/** Throws an {@link InputError} unless `zone` is an IANA zone Intl knows. */
export function checkTimeZone(zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: zone
    }).resolvedOptions().timeZone
  } catch {
    throw new InputError(`unknown time zone ${JSON.stringify(zone)}`, {
      hint: 'use an IANA zone name such as America/Los_Angeles, UTC or Europe/Paris'
    })
  }
}

/** The calendar date of `instant` on the wall clocks of `zone`. */
export function zonedDate(instant: Date, zone: string): CalendarDate {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric'
  }).formatToParts(instant)
  const part = (type: string): number =>
    Number(parts.find((p) => p.type === type)?.value)
  return { year: part('year'), month: part('month'), day: part('day') }
}

/** Days since 1970-01-01 of a calendar date (proleptic Gregorian). */
function epochDay(date: CalendarDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / DAY_MS
}

function fromEpochDay(day: number): CalendarDate {
  const d = new Date(day * DAY_MS)
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate()
  }
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(day: number): number {
  // 1970-01-01 was a Thursday (4).
  return (((day + 4) % 7) + 7) % 7
}

/** The US week-based year and week (1–53) of a calendar date. */
export function usWeek(date: CalendarDate): { year: number; week: number } {
  const day = epochDay(date)
  const sunday = day - weekday(day)
  // The week belongs to the year its Saturday falls in: a week holding
  // 1 January is week 1 of the new year.
  const year = fromEpochDay(sunday + 6).year
  const jan1 = epochDay({ year, month: 1, day: 1 })
  const firstSunday = jan1 - weekday(jan1)
  return { year, week: (sunday - firstSunday) / 7 + 1 }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

/** `YYYY-MM-DD`. */
export function formatDate(date: CalendarDate): string {
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`
}

/**
 * Reads `YYYY-MM-DD` (a calendar date, taken as already local to the zone)
 * or an ISO-8601 instant with an offset or `Z` (converted to the zone).
 */
export function parseDateInput(
  text: string,
  zone: string
): { date: CalendarDate; instant?: Date } {
  const trimmed = text.trim()
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed)
  if (plain !== null) {
    const date = {
      year: Number(plain[1]),
      month: Number(plain[2]),
      day: Number(plain[3])
    }
    const back = fromEpochDay(epochDay(date))
    if (
      back.year !== date.year ||
      back.month !== date.month ||
      back.day !== date.day ||
      date.year < 1900
    ) {
      throw new InputError(`${JSON.stringify(text)} is not a calendar date`, {
        hint: 'give a real date as YYYY-MM-DD, e.g. 2021-02-28'
      })
    }
    return { date }
  }
  const instantPattern =
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/
  const ms = instantPattern.test(trimmed) ? Date.parse(trimmed) : NaN
  if (Number.isNaN(ms)) {
    throw new InputError(
      `${JSON.stringify(text)} is neither a date (YYYY-MM-DD) nor an instant`,
      {
        hint: 'use 2021-01-07, or an instant with its offset such as 2021-01-07T08:00:00Z'
      }
    )
  }
  const instant = new Date(ms)
  return { date: zonedDate(instant, zone), instant }
}

/**
 * The LSST Docker timestamp suffix, `yyyyMMdd'T'hhmmssX` in UTC. `hh` is
 * Java's 12-hour clock (01–12, no AM/PM marker), a quirk of the original
 * job that tags pushed since 2018 carry, so 16:30:12Z prints `043012Z`.
 */
export function dockerTimestamp(instant: Date): string {
  const hours12 = instant.getUTCHours() % 12 || 12
  return (
    `${pad(instant.getUTCFullYear(), 4)}${pad(instant.getUTCMonth() + 1, 2)}` +
    `${pad(instant.getUTCDate(), 2)}T${pad(hours12, 2)}` +
    `${pad(instant.getUTCMinutes(), 2)}${pad(instant.getUTCSeconds(), 2)}Z`
  )
}
