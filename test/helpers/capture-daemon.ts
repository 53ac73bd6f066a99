import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { extract } from 'tar-stream'

/**
 * A stand-in Docker engine on a unix socket that answers the docker CLI's
 * `/_ping` and records the build context tar it then POSTs to `/build`,
 * answering with a build error so the CLI stops there. It lets tests ask
 * the real docker CLI which files it sends for a context, in milliseconds
 * and without a daemon.
 */
export class CaptureDaemon {
  readonly socket: string
  readonly #dir: string
  readonly #server: Server
  /** Entry names of each context received, in tar order. */
  readonly contexts: string[][] = []

  constructor() {
    this.#dir = mkdtempSync(join(tmpdir(), 'stackci-capture-'))
    this.socket = join(this.#dir, 'docker.sock')
    this.#server = createServer((req, res) => {
      const path = (req.url ?? '').replace(/^\/v[\d.]+/, '')
      if (path.startsWith('/_ping')) {
        res.writeHead(200, {
          'API-Version': '1.41',
          OSType: 'linux',
          'Docker-Experimental': 'false',
          'Content-Type': 'text/plain'
        })
        res.end(req.method === 'HEAD' ? undefined : 'OK')
        return
      }
      if (req.method === 'POST' && path.startsWith('/build')) {
        const names: string[] = []
        const tar = extract()
        tar.on('entry', (header, stream, next) => {
          names.push(header.name.replace(/\/$/, ''))
          stream.on('end', () => {
            next()
          })
          stream.resume()
        })
        tar.on('finish', () => {
          this.contexts.push(names)
          res.writeHead(200, { 'Content-Type': 'application/json' })
          res.end(
            `${JSON.stringify({ errorDetail: { message: 'captured' }, error: 'captured' })}\n`
          )
        })
        req.pipe(tar)
        return
      }
      res.writeHead(404, { 'Content-Type': 'application/json' })
      res.end('{"message":"not emulated"}')
    })
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.listen(this.socket, resolve)
    })
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve()
      })
    })
    rmSync(this.#dir, { recursive: true, force: true })
  }

  /** Runs `docker build` (legacy builder) on `context`; returns the names sent. */
  async cliContext(
    cli: string,
    context: string,
    dockerfile?: string
  ): Promise<string[]> {
    const before = this.contexts.length
    const args = ['build', '-q']
    if (dockerfile !== undefined) args.push('-f', dockerfile)
    args.push(context)
    const stderr = await new Promise<string>((resolve, reject) => {
      const child = spawn(cli, args, {
        env: {
          ...process.env,
          DOCKER_HOST: `unix://${this.socket}`,
          DOCKER_BUILDKIT: '0'
        },
        stdio: ['ignore', 'ignore', 'pipe']
      })
      let err = ''
      child.stderr.on('data', (c: Buffer) => (err += c.toString()))
      child.on('error', reject)
      child.on('close', () => {
        resolve(err)
      })
    })
    const names = this.contexts[before]
    if (names === undefined) {
      throw new Error(`docker build sent no context: ${stderr}`)
    }
    return names
  }
}
