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

const created: string[] = []

/** A database name no other test uses (dropped by dropTestDatabases). */
export function uniqueDatabase(prefix: string): string {
  const name = `${prefix}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`
  created.push(name)
  return name
}

/** Drops every database this test file named. */
export async function dropTestDatabases(): Promise<void> {
  for (const name of created.splice(0)) await dropDatabase(name)
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

/** Drops a test database (tests clean up after themselves). */
export async function dropDatabase(database: string): Promise<void> {
  const url = new URL('/query', influxUrl())
  await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ q: `DROP DATABASE "${database}"` }).toString()
  })
}
