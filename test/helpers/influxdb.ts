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

/**
 * The admin user scripts/services.sh creates (influxd runs with
 * `auth-enabled = true`, as deployments do): `{ username, password }`, ready
 * to spread into the store's options.
 */
export function influxAdmin(): { username: string; password: string } {
  const username = process.env.STACKCI_INFLUXDB_USER
  const password = process.env.STACKCI_INFLUXDB_PASSWORD
  if (!username || !password) {
    throw new Error(
      'STACKCI_INFLUXDB_USER / STACKCI_INFLUXDB_PASSWORD are not set: run the tests with npm test (or `source scripts/services.sh; ensure_influxdb` first)'
    )
  }
  return { username, password }
}

/** The admin credentials as the variables the CLI reads by default. */
export function influxEnv(): Record<string, string> {
  const { username, password } = influxAdmin()
  return { INFLUXDB_USERNAME: username, INFLUXDB_PASSWORD: password }
}

/** The Basic authorization header of the admin user. */
function adminAuth(): Record<string, string> {
  const { username, password } = influxAdmin()
  const token = Buffer.from(`${username}:${password}`).toString('base64')
  return { authorization: `Basic ${token}` }
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
  const r = await fetch(url, { headers: adminAuth() })
  if (!r.ok) throw new Error(`influxd answered ${r.status} to ${q}`)
  return (await r.json()) as Awaited<ReturnType<typeof influxQuery>>
}

/** Runs an administrative statement (CREATE USER, GRANT, …) as the admin. */
export async function influxAdminQuery(q: string): Promise<void> {
  const r = await fetch(new URL('/query', influxUrl()), {
    method: 'POST',
    headers: {
      ...adminAuth(),
      'content-type': 'application/x-www-form-urlencoded'
    },
    body: new URLSearchParams({ q }).toString()
  })
  const json = (await r.json()) as { results?: { error?: string }[] }
  const error = json.results?.find((x) => x.error !== undefined)?.error
  if (!r.ok || error !== undefined)
    throw new Error(
      `influxd refused ${q.split(' WITH ')[0]}: ${r.status} ${error ?? ''}`
    )
}

/** Drops a test database (tests clean up after themselves). */
export async function dropDatabase(database: string): Promise<void> {
  await influxAdminQuery(`DROP DATABASE "${database}"`)
}
