import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

/**
 * The real influxd that scripts/services.sh starts (`npm test` does it).
 * A test that needs it fails loudly, naming the variable, when it is missing.
 */
export function influxUrl(): string {
  const url = process.env.STACKCI_INFLUXDB_URL
  if (url === undefined || url === '') {
    throw new Error(
      'STACKCI_INFLUXDB_URL is not set: run the tests with npm test (or `source scripts/services.sh; ensure_influxdb` first)'
    )
  }
  return url
}

function services(fn: string): void {
  const r = spawnSync(
    'bash',
    [
      '-c',
      `source ${JSON.stringify(join(process.cwd(), 'scripts', 'services.sh'))}; ${fn}`
    ],
    { encoding: 'utf8', env: process.env }
  )
  if (r.status !== 0)
    throw new Error(`${fn} failed (${r.status}): ${r.stdout}${r.stderr}`)
}

/** Kills influxd (a real fault: the process is gone, connections refused). */
export function stopInfluxd(): void {
  services('stop_influxdb')
}

/** Starts influxd again, on the same port with the same data. */
export function startInfluxd(): void {
  services('ensure_influxdb')
}

/** A database name no other test uses. */
export function uniqueDatabase(prefix: string): string {
  return `${prefix}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`
}

/** Runs an InfluxQL statement against the real server; returns the JSON. */
export async function influxQuery(
  database: string,
  q: string
): Promise<{
  results: {
    series?: { columns: string[]; values: unknown[][] }[]
    error?: string
  }[]
}> {
  const url = new URL('/query', influxUrl())
  url.searchParams.set('db', database)
  url.searchParams.set('q', q)
  url.searchParams.set('epoch', 'ms')
  const r = await fetch(url)
  return (await r.json()) as Awaited<ReturnType<typeof influxQuery>>
}
