/**
 * A real git smart-HTTP server on 127.0.0.1 (port 0): `git http-backend`
 * run as CGI per request, as Apache or nginx would, behind HTTP Basic auth
 * that accepts what actions/checkout sends (`x-access-token:<token>`). It
 * records every request's path and whether it was authorised, so a test can
 * tell the token was sent as a header and never in a URL.
 */

import { spawn, spawnSync } from 'node:child_process'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { tempDir } from './metrics.js'

export interface GitRequest {
  method: string
  url: string
  authorized: boolean
}

export class GitHttpServer {
  readonly requests: GitRequest[] = []
  readonly root = tempDir('stackci-git-server-')
  #server?: Server
  #port = 0

  constructor(readonly token?: string) {}

  /** Creates an empty bare repository `name` (pushes allowed). */
  createBare(name: string): string {
    const dir = join(this.root, name)
    const r = spawnSync('git', ['init', '--quiet', '--bare', dir])
    if (r.status !== 0) throw new Error(`git init failed: ${String(r.stderr)}`)
    return dir
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.#port}/${name}`
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const authorized = this.#authorized(req)
      this.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorized
      })
      if (this.token !== undefined && !authorized) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' })
        res.end('authentication required\n')
        return
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const cgi = spawn('git', ['http-backend'], {
        env: {
          ...process.env,
          GIT_PROJECT_ROOT: this.root,
          GIT_HTTP_EXPORT_ALL: '1',
          PATH_INFO: decodeURIComponent(url.pathname),
          QUERY_STRING: url.search.slice(1),
          REQUEST_METHOD: req.method ?? 'GET',
          CONTENT_TYPE: req.headers['content-type'] ?? '',
          HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
          GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
          REMOTE_ADDR: '127.0.0.1',
          // A known user: http-backend then enables receive-pack (push).
          REMOTE_USER: 'stackci-test'
        }
      })
      req.pipe(cgi.stdin)
      let head = Buffer.alloc(0)
      let body = false
      cgi.stdout.on('data', (chunk: Buffer) => {
        if (body) {
          res.write(chunk)
          return
        }
        head = Buffer.concat([head, chunk])
        const end = head.indexOf('\r\n\r\n')
        if (end === -1) return
        let status = 200
        const headers: Record<string, string> = {}
        for (const line of head.subarray(0, end).toString().split('\r\n')) {
          const colon = line.indexOf(':')
          const name = line.slice(0, colon)
          const value = line.slice(colon + 1).trim()
          if (name.toLowerCase() === 'status') status = parseInt(value, 10)
          else headers[name] = value
        }
        res.writeHead(status, headers)
        body = true
        res.write(head.subarray(end + 4))
      })
      cgi.on('close', () => res.end())
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    this.#server = server
    this.#port = (server.address() as AddressInfo).port
    return this
  }

  #authorized(req: IncomingMessage): boolean {
    if (this.token === undefined) return true
    const expected = Buffer.from(`x-access-token:${this.token}`).toString(
      'base64'
    )
    const [scheme = '', credentials] = (req.headers.authorization ?? '').split(
      ' '
    )
    return scheme.toLowerCase() === 'basic' && credentials === expected
  }

  async stop(): Promise<void> {
    const server = this.#server
    if (server === undefined) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve()
      })
    })
  }
}

/** The commits of `branch` in a bare repository, newest first. */
export function gitLog(dir: string, branch: string): string[] {
  const r = spawnSync('git', ['-C', dir, 'log', '--format=%s', branch], {
    encoding: 'utf8'
  })
  return r.stdout.split('\n').filter((l) => l !== '')
}

/** The files of `branch` in a bare repository. */
export function gitFiles(dir: string, branch: string): string[] {
  const r = spawnSync(
    'git',
    ['-C', dir, 'ls-tree', '-r', '--name-only', branch],
    { encoding: 'utf8' }
  )
  return r.stdout.split('\n').filter((l) => l !== '')
}
