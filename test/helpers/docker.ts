import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { extract } from 'tar-stream'
import { connectDocker, type DockerEngine } from '../../src/docker/index.js'

/**
 * The Docker services `scripts/services.sh ensure_docker` starts. A missing
 * variable fails the test and names it (never a silent skip).
 */
export function dockerServices(): {
  host: string
  registry: string
  authRegistry: string
  user: string
  password: string
  baseImage: string
} {
  const need = (name: string): string => {
    const value = process.env[name]
    if (value === undefined || value === '') {
      throw new Error(
        `${name} is not set: run the tests through npm test, or source scripts/services.sh and run ensure_docker first`
      )
    }
    return value
  }
  return {
    host: need('STACKCI_DOCKER_HOST'),
    registry: need('STACKCI_REGISTRY'),
    authRegistry: need('STACKCI_AUTH_REGISTRY'),
    user: need('STACKCI_AUTH_REGISTRY_USER'),
    password: need('STACKCI_AUTH_REGISTRY_PASSWORD'),
    baseImage: need('STACKCI_BASE_IMAGE')
  }
}

/**
 * The docker CLI the tests compare stackci with (STACKCI_DOCKER_CLI). Its
 * .dockerignore handling is moby/patternmatcher's since CLI 23; older CLIs
 * (Debian's 20.10) had bugs stackci does not reproduce, so they are refused.
 */
export function dockerCli(): string {
  const cli = process.env.STACKCI_DOCKER_CLI
  if (cli === undefined || cli === '') {
    throw new Error(
      'STACKCI_DOCKER_CLI is not set: run the tests through npm test, or source scripts/services.sh and run ensure_docker first'
    )
  }
  // "Docker version 28.2.2, build e6534b4"
  const version =
    /version (\d+\.\d+\.\d+)/.exec(
      execFileSync(cli, ['--version'], { encoding: 'utf8' })
    )?.[1] ?? '0'
  if (Number(version.split('.')[0]) < 23) {
    throw new Error(
      `${cli} is docker CLI ${version}; the .dockerignore tests need CLI 23 or later (install docker-ce-cli, or put a newer docker first on PATH)`
    )
  }
  return cli
}

export async function testEngine(): Promise<DockerEngine> {
  return connectDocker(dockerServices().host)
}

/** A unique repository name per test run, so runs never see each other. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`
}

const tempDirs: string[] = []

/** A temp directory, removed by {@link removeTempDirs}. */
export function tempDir(prefix = 'stackci-docker-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.push(dir)
  return dir
}

/** Removes every {@link tempDir} this test file made (call it in afterAll). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0))
    rmSync(dir, { recursive: true, force: true })
}

/** The paths in an image's filesystem (via a created, never started, container). */
export async function imageFiles(
  engine: DockerEngine,
  image: string,
  under = ''
): Promise<string[]> {
  const container = await engine.docker.createContainer({
    Image: image,
    Cmd: ['/bin/true']
  })
  try {
    const stream = await container.export()
    const names: string[] = []
    const tar = extract()
    tar.on('entry', (header, body, next) => {
      const name = header.name.replace(/\/$/, '')
      if (under === '' || name.startsWith(under)) names.push(name)
      body.on('end', () => {
        next()
      })
      body.resume()
    })
    await new Promise<void>((resolve, reject) => {
      tar.on('finish', resolve)
      tar.on('error', reject)
      stream.pipe(tar)
    })
    return names.sort()
  } finally {
    await container.remove({ force: true })
  }
}

/** Removes images by reference, ignoring those already gone. */
export async function removeImages(
  engine: DockerEngine,
  refs: string[]
): Promise<void> {
  for (const ref of refs) {
    await engine.docker
      .getImage(ref)
      .remove({ force: true })
      .catch(() => undefined)
  }
}

/** Image ids known to the engine. */
export async function imageIds(engine: DockerEngine): Promise<Set<string>> {
  const list = await engine.docker.listImages({ all: true })
  return new Set(list.map((i) => i.Id))
}

/** Runs a command; resolves with its exit code and output. */
export async function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd ?? process.cwd(),
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout, stderr })
    })
    child.stdin.end(options.input ?? '')
  })
}

/** The registry's manifest digest of `repo:tag`, asked over HTTP directly. */
export async function registryDigest(
  registry: string,
  repo: string,
  tag: string,
  auth?: { user: string; password: string }
): Promise<string | undefined> {
  const response = await fetch(
    `http://${registry}/v2/${repo}/manifests/${tag}`,
    {
      method: 'HEAD',
      headers: {
        Accept: 'application/vnd.docker.distribution.manifest.v2+json',
        ...(auth === undefined
          ? {}
          : {
              Authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`
            })
      }
    }
  )
  if (response.status === 404) return undefined
  if (!response.ok) throw new Error(`registry answered ${response.status}`)
  return response.headers.get('docker-content-digest') ?? undefined
}
