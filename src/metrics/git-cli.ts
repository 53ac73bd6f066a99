/**
 * The real `git` CLI, driven without a work tree: a bare cache repository
 * per remote, objects written with plumbing (`hash-object`, a private
 * index, `commit-tree`), pushed with `git push`. Several processes may share
 * a cache: each fetches into a ref of its own and builds its commits in an
 * index of its own, so nothing they touch is shared but the object store
 * (whose writes git makes atomic).
 *
 * Authentication is actions/checkout's: an `http.<origin>/.extraheader`
 * `AUTHORIZATION: basic …` (user `x-access-token`), handed to git through
 * `GIT_CONFIG_*` environment variables, so it is in no URL, no argv, no
 * file and — masked before anything is logged — no log.
 */

import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { nodeChildProcess, nodeCrypto } from '../core/builtins.js'
import { StoreError } from '../core/errors.js'
import { BlobSplitter } from './git-blobs.js'
import type { Reporter } from '../core/reporter.js'
import { redactUrl } from '../core/secrets.js'

/** A branch of a remote repository, and how to reach it. */
export interface GitRemote {
  url: string
  branch: string
  /** A token for HTTP(S) remotes (GITHUB_TOKEN on Actions). */
  token?: string
}

const GIT_TIMEOUT_MS = 120_000

/** The header actions/checkout configures, for `token`. */
export function gitAuthHeader(token: string): string {
  const basic = Buffer.from(`x-access-token:${token}`, 'utf8').toString(
    'base64'
  )
  return `AUTHORIZATION: basic ${basic}`
}

/** `URL#BRANCH` → its parts (the branch defaults to `fallback`). */
export function parseGitTarget(
  text: string,
  fallback: string
): { url: string; branch: string } {
  const hash = text.lastIndexOf('#')
  if (hash === -1) return { url: text, branch: fallback }
  const branch = text.slice(hash + 1)
  return { url: text.slice(0, hash), branch: branch === '' ? fallback : branch }
}

/** A git process failed: its stderr, without credentials. */
/** What a git call may add: its standard input, a work tree, variables. */
export interface GitRunOptions {
  input?: string | Buffer
  cwd?: string
  env?: NodeJS.ProcessEnv
}

export class GitCommandError extends StoreError {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    url: string
  ) {
    super(`git ${args[0] ?? ''} failed: ${stderr.trim() || 'no output'}`, {
      where: { url: redactUrl(url) },
      hint: hintFor(stderr)
    })
  }
}

function hintFor(stderr: string): string {
  if (/Authentication failed|\b40[13]\b|could not read Username/i.test(stderr))
    return 'check the token (GITHUB_TOKEN needs contents: write to push) and the URL'
  if (/not found|does not appear to be a git repository/i.test(stderr))
    return 'check the repository URL'
  return 'check that the remote is reachable and accepts pushes'
}

/**
 * Did a push fail only because another writer updated the branch first?
 * (`[rejected] … (fetch first|non-fast-forward)`, or the remote's ref lock
 * taken by a concurrent push.) Any other refusal is not retried.
 */
function lostRace(stderr: string): boolean {
  return /\[rejected\][^\n]*\((fetch first|non-fast-forward|stale info)\)|\[remote rejected\][^\n]*\((cannot lock ref|failed to update ref|failed to lock|incorrect old value)[^)]*\)/.test(
    stderr
  )
}

/** What one commit does to a branch. */
export interface FileChange {
  /** Path → content. */
  add: ReadonlyMap<string, string | Buffer>
  remove?: readonly string[]
  message: string
}

/** A ref no other process of this or another host uses. */
function privateRef(): string {
  const tag = nodeCrypto().randomBytes(6).toString('hex')
  return `refs/stackci/fetch/${process.pid}-${tag}`
}

/** A bare cache repository for one remote, and git run against it. */
export class GitRepo {
  readonly #env: NodeJS.ProcessEnv

  private constructor(
    readonly dir: string,
    readonly remote: GitRemote,
    env: NodeJS.ProcessEnv
  ) {
    this.#env = env
  }

  /**
   * The cache of `remote` under `cacheDir` (created once; concurrent
   * creators race to a rename, and the loser uses the winner's).
   */
  static async open(
    cacheDir: string,
    remote: GitRemote,
    reporter: Reporter
  ): Promise<GitRepo> {
    const key = nodeCrypto()
      .createHash('sha256')
      .update(remote.url)
      .digest('hex')
      .slice(0, 16)
    const dir = join(cacheDir, `${key}.git`)
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      GCM_INTERACTIVE: 'never',
      GIT_AUTHOR_NAME: 'stackci',
      GIT_AUTHOR_EMAIL: 'stackci@users.noreply.github.com',
      GIT_COMMITTER_NAME: 'stackci',
      GIT_COMMITTER_EMAIL: 'stackci@users.noreply.github.com'
    }
    const config: [string, string][] = [
      ['gc.auto', '0'],
      ['maintenance.auto', 'false'],
      ['core.logAllRefUpdates', 'false']
    ]
    // A password written into the URL is as secret as a token.
    if (URL.canParse(remote.url)) {
      const password = decodeURIComponent(new URL(remote.url).password)
      if (password !== '') reporter.mask(password)
    }
    if (remote.token !== undefined && /^https?:/i.test(remote.url)) {
      const header = gitAuthHeader(remote.token)
      reporter.mask(remote.token)
      reporter.mask(header)
      reporter.mask(header.slice('AUTHORIZATION: basic '.length))
      config.push([`http.${new URL(remote.url).origin}/.extraheader`, header])
    }
    env.GIT_CONFIG_COUNT = String(config.length)
    config.forEach(([k, v], i) => {
      env[`GIT_CONFIG_KEY_${i}`] = k
      env[`GIT_CONFIG_VALUE_${i}`] = v
    })
    const repo = new GitRepo(dir, remote, env)
    if (!repo.#exists()) {
      mkdirSync(cacheDir, { recursive: true })
      const temp = `${dir}.${process.pid}.${Date.now()}.tmp`
      await repo.run(['init', '--quiet', '--bare', temp], { cwd: cacheDir })
      try {
        renameSync(temp, dir)
      } catch {
        rmSync(temp, { recursive: true, force: true })
      }
    }
    return repo
  }

  /**
   * Is the cache there? (Made by a rename of a whole repository, so its
   * files tell; a process less per store opened.)
   */
  #exists(): boolean {
    return (
      existsSync(join(this.dir, 'HEAD')) &&
      existsSync(join(this.dir, 'objects'))
    )
  }

  /** Runs git in the cache; resolves with stdout, rejects with stderr. */
  async run(
    args: readonly string[],
    options: GitRunOptions = {}
  ): Promise<string> {
    const out = await this.runBuffer(args, options)
    return out.toString('utf8')
  }

  /**
   * As {@link run}, stdout as bytes (for `cat-file --batch`); with
   * `onData`, handed on chunk by chunk instead (what it throws fails the
   * run).
   */
  async runBuffer(
    args: readonly string[],
    options: GitRunOptions = {},
    onData?: (chunk: Buffer) => void
  ): Promise<Buffer> {
    const env = { ...this.#env, ...(options.env ?? {}) }
    // Without a cwd, git works on the cache (with one: `init` makes it).
    if (options.cwd === undefined) env.GIT_DIR = this.dir
    return new Promise((resolve, reject) => {
      const child = nodeChildProcess().spawn('git', [...args], {
        cwd: options.cwd ?? dirname(this.dir),
        env,
        stdio: ['pipe', 'pipe', 'pipe']
      })
      const chunks: Buffer[] = []
      let stderr = ''
      let failed: Error | undefined
      const timer = setTimeout(() => child.kill('SIGKILL'), GIT_TIMEOUT_MS)
      child.stdout.on('data', (d: Buffer) => {
        if (onData === undefined) chunks.push(d)
        else if (failed === undefined) {
          try {
            onData(d)
          } catch (error) {
            failed =
              error instanceof Error ? error : new StoreError(String(error))
            child.kill()
          }
        }
      })
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('error', (error) => {
        clearTimeout(timer)
        reject(
          new StoreError(`cannot run git: ${error.message}`, {
            hint: 'install git (the git store uses the git CLI)',
            cause: error
          })
        )
      })
      child.on('close', (code) => {
        clearTimeout(timer)
        if (failed !== undefined) reject(failed)
        else if (code === 0) resolve(Buffer.concat(chunks))
        else reject(new GitCommandError(args, stderr, this.remote.url))
      })
      child.stdin.on('error', () => undefined)
      child.stdin.end(options.input ?? '')
    })
  }

  /** The blobs under `prefix` in `commit`: path → object id. */
  async listFiles(commit: string, prefix = ''): Promise<Map<string, string>> {
    const out = await this.run([
      'ls-tree',
      '-r',
      '-z',
      '--full-tree',
      commit,
      ...(prefix === '' ? [] : ['--', prefix])
    ])
    const files = new Map<string, string>()
    for (const entry of out.split('\0')) {
      const tab = entry.indexOf('\t')
      if (tab === -1) continue
      // `<mode> blob <oid>\t<path>`
      const oid = entry.slice(0, tab).split(' ')[2] ?? ''
      files.set(entry.slice(tab + 1), oid)
    }
    return files
  }

  /** The contents of blobs, in order, through one `cat-file --batch`. */
  async readBlobs(oids: readonly string[]): Promise<Buffer[]> {
    const blobs: Buffer[] = []
    await this.eachBlob(oids, (b) => blobs.push(b))
    return blobs
  }

  /**
   * Hands on the contents of blobs, in order, each as soon as git has
   * written it (see git-blobs.ts).
   */
  async eachBlob(
    oids: readonly string[],
    each: (blob: Buffer, i: number) => void
  ): Promise<void> {
    if (oids.length === 0) return
    const blobs = new BlobSplitter(each)
    await this.runBuffer(
      ['cat-file', '--batch'],
      { input: `${oids.join('\n')}\n` },
      (chunk) => {
        blobs.push(chunk)
      }
    )
    if (blobs.count !== oids.length)
      throw new StoreError(
        `git cat-file: ${blobs.count} of ${oids.length} objects read`
      )
  }

  /**
   * Adds files to the branch (and removes some) in one commit on its
   * current tip, and pushes; when another writer pushed first, fetches and
   * builds again on the new tip (`change` sees each tip), so concurrent
   * writers of different files never lose one. Returns the commit pushed,
   * undefined when `change` had nothing to do.
   */
  async commitFiles(
    change: (tip: string | undefined) => Promise<FileChange | undefined>,
    options: { attempts?: number; minDelayMs?: number } = {}
  ): Promise<string | undefined> {
    const ref = privateRef()
    const attempts = options.attempts ?? 30
    const index = join(this.dir, `stackci-index-${ref.split('/').pop() ?? ''}`)
    try {
      for (let attempt = 1; ; attempt++) {
        const tip = await this.fetchTip(ref)
        const c = await change(tip)
        if (c === undefined) return undefined
        const env = { GIT_INDEX_FILE: index }
        rmSync(index, { force: true })
        if (tip !== undefined) await this.run(['read-tree', tip], { env })
        const oids = await this.writeBlobs([...c.add.values()])
        const lines = [...c.add.keys()].map(
          (path, i) => `100644 ${oids[i] ?? ''}\t${path}`
        )
        for (const path of c.remove ?? [])
          lines.push(`0 ${'0'.repeat(40)}\t${path}`)
        await this.run(['update-index', '-z', '--index-info'], {
          env,
          input: lines.map((l) => `${l}\0`).join('')
        })
        const tree = (await this.run(['write-tree'], { env })).trim()
        const commit = (
          await this.run([
            'commit-tree',
            tree,
            ...(tip === undefined ? [] : ['-p', tip]),
            '-m',
            c.message
          ])
        ).trim()
        if (await this.push(commit)) return commit
        if (attempt >= attempts)
          throw new StoreError(
            `${redactUrl(this.remote.url)} ${this.remote.branch}: still rejected after ${attempts} attempts (other writers kept pushing first)`,
            {
              hint: 'the job is spooled: stackci metrics replay sends it again'
            }
          )
        const base = (options.minDelayMs ?? 50) * 2 ** Math.min(attempt - 1, 5)
        await new Promise((r) => setTimeout(r, base / 2 + Math.random() * base))
      }
    } finally {
      rmSync(index, { force: true })
      await this.run(['update-ref', '-d', ref]).catch(() => undefined)
    }
  }

  /**
   * Writes blobs into the object store; their ids, in order. Many go
   * through one `hash-object --stdin-paths` (a process per file would
   * cost more than the files: a report has one per metric).
   */
  async writeBlobs(contents: readonly (string | Buffer)[]): Promise<string[]> {
    if (contents.length <= 1) {
      const out: string[] = []
      for (const content of contents)
        out.push(
          (
            await this.run(['hash-object', '-w', '--stdin'], { input: content })
          ).trim()
        )
      return out
    }
    const dir = mkdtempSync(join(resolve(this.dir), 'stackci-blobs-'))
    try {
      const paths = contents.map((content, i) => {
        const file = join(dir, String(i))
        writeFileSync(file, content)
        return file
      })
      const out = await this.run(
        ['hash-object', '-w', '--no-filters', '--stdin-paths'],
        { input: `${paths.join('\n')}\n` }
      )
      return out.trim().split('\n')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  /**
   * Fetches the remote branch into a ref of this process; its commit, or
   * undefined when the branch does not exist yet.
   */
  async fetchTip(ref: string): Promise<string | undefined> {
    const fetch = [
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head'
    ] as const
    const what = [this.remote.url, `+refs/heads/${this.remote.branch}:${ref}`]
    try {
      if (this.#empty()) {
        // A new cache (a fresh runner) takes only the tip, as
        // actions/checkout does: the store reads and builds on the tip's
        // tree, and the history grows with every job ever written. Later
        // fetches stop at that tip (git keeps it as the shallow boundary).
        await this.run([...fetch, '--depth=1', ...what]).catch(
          async (error: unknown) => {
            // Another process is fetching into this new cache: git locks
            // `shallow` and does not wait, a whole fetch takes no lock.
            if (!(error instanceof GitCommandError)) throw error
            if (!error.stderr.includes('shallow.lock')) throw error
            return this.run([...fetch, ...what])
          }
        )
      } else await this.run([...fetch, ...what])
    } catch (error) {
      if (
        error instanceof GitCommandError &&
        /couldn't find remote ref/i.test(error.stderr)
      )
        return undefined
      throw error
    }
    return (
      this.#loose(ref) ??
      (await this.run(['rev-parse', '--verify', ref])).trim()
    )
  }

  /** A ref's commit read from its file (what a fetch just wrote), if any. */
  #loose(ref: string): string | undefined {
    try {
      const oid = readFileSync(join(this.dir, ref), 'utf8').trim()
      return /^[0-9a-f]{40,64}$/.test(oid) ? oid : undefined
    } catch {
      return undefined
    }
  }

  /** Does the cache hold no object yet (and no shallow tip)? */
  #empty(): boolean {
    if (existsSync(join(this.dir, 'shallow'))) return false
    const objects = join(this.dir, 'objects')
    return readdirSync(objects).every(
      (d) =>
        d === 'info' ||
        (d === 'pack' && readdirSync(join(objects, d)).length === 0)
    )
  }

  /** The branch's commit now (fetched), undefined when it does not exist. */
  async snapshot(): Promise<string | undefined> {
    const ref = privateRef()
    try {
      return await this.fetchTip(ref)
    } finally {
      // The objects stay (gc is off); only the name goes.
      await this.run(['update-ref', '-d', ref]).catch(() => undefined)
    }
  }

  /** Does `commit` hold `path`? */
  async hasFile(commit: string, path: string): Promise<boolean> {
    try {
      await this.run(['cat-file', '-e', `${commit}:${path}`])
      return true
    } catch {
      return false
    }
  }

  /** Pushes `commit` to the branch; false when the branch moved meanwhile. */
  async push(commit: string): Promise<boolean> {
    try {
      await this.run([
        'push',
        '--quiet',
        '--no-verify',
        this.remote.url,
        `${commit}:refs/heads/${this.remote.branch}`
      ])
      return true
    } catch (error) {
      if (error instanceof GitCommandError && lostRace(error.stderr))
        return false
      throw error
    }
  }
}
