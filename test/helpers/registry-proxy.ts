import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server
} from 'node:http'
import type { AddressInfo } from 'node:net'

interface Fault {
  method: string
  path: RegExp
  status: number
  times: number
  headers?: Record<string, string>
}

/**
 * A fault-injecting HTTP proxy in front of a real registry: requests pass
 * through unchanged unless a queued fault matches, in which case the proxy
 * answers that status itself (or drops the connection for status 0). The
 * engine talks to it as it would to the registry (loopback is an insecure
 * registry by default).
 */
export class RegistryProxy {
  readonly #server: Server
  readonly #faults: Fault[] = []
  /** `METHOD path status` of every request seen. */
  readonly log: string[] = []

  constructor(readonly target: string) {
    this.#server = createServer((req, res) => {
      const fault = this.#faults.find(
        (f) =>
          f.times > 0 && f.method === req.method && f.path.test(req.url ?? '')
      )
      if (fault !== undefined) {
        fault.times--
        this.log.push(`${req.method} ${req.url} ${fault.status} (injected)`)
        req.resume()
        if (fault.status === 0) {
          req.socket.destroy()
          return
        }
        res.writeHead(fault.status, {
          'Content-Type': 'application/json',
          ...fault.headers
        })
        const code = fault.status === 401 ? 'UNAUTHORIZED' : 'UNAVAILABLE'
        res.end(
          JSON.stringify({
            errors: [{ code, message: `injected ${fault.status}` }]
          })
        )
        return
      }
      const [host, port] = this.target.split(':')
      const upstream = httpRequest(
        {
          host,
          port: Number(port),
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: this.target }
        },
        (up: IncomingMessage) => {
          this.log.push(`${req.method} ${req.url} ${up.statusCode}`)
          // Location headers point at the registry; send them back to us.
          const headers = { ...up.headers }
          if (typeof headers.location === 'string') {
            headers.location = headers.location.replace(
              this.target,
              this.address
            )
          }
          res.writeHead(up.statusCode ?? 502, headers)
          up.pipe(res)
        }
      )
      upstream.on('error', () => {
        res.destroy()
      })
      req.pipe(upstream)
    })
  }

  get address(): string {
    const a = this.#server.address() as AddressInfo
    return `127.0.0.1:${a.port}`
  }

  /** Answers the next `times` matching requests with `status` (0: drop). */
  inject(fault: Fault): void {
    this.#faults.push(fault)
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.listen(0, '127.0.0.1', resolve)
    })
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve()
      })
    })
  }
}
