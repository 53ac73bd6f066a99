/**
 * The bridge's HTTP plumbing: JSON answers, the content-type check, reading
 * a body within a size and a time limit, and leaving a refused body unread
 * (node:http would otherwise read any refused body to its end).
 */

import type { IncomingMessage, ServerResponse } from 'node:http'

/** Answers `status` with a JSON body (nothing if an answer was sent). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  if (res.headersSent) return
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers
  })
  res.end(text)
}

/** `application/json` with no charset or UTF-8 (the plugin sends `;charset=UTF-8`). */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false
  const [type = '', ...params] = value
    .split(';')
    .map((p) => p.trim().toLowerCase())
  if (type !== 'application/json') return false
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '')
  return charset === undefined || charset === 'utf-8' || charset === 'utf8'
}

/**
 * The body; 'too large' past `max` bytes (it is not read further), 'timeout'
 * when it does not arrive within `ms`, undefined when the client went away.
 */
export async function readBody(
  req: IncomingMessage,
  max: number,
  ms: number
): Promise<Buffer | 'too large' | 'timeout' | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = (v: Buffer | 'too large' | 'timeout' | undefined): void => {
      clearTimeout(timer)
      req.off('data', onData)
      resolve(v)
    }
    const timer = setTimeout(() => {
      done('timeout')
    }, ms)
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size <= max) chunks.push(chunk)
      else {
        // Stop buffering; the refusal reads at most `max` more, then cuts.
        req.pause()
        done('too large')
      }
    }
    req.on('data', onData)
    req.on('end', () => {
      if (size <= max) done(Buffer.concat(chunks, size))
    })
    req.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    // A client that goes away mid-body: nothing to answer.
    req.on('close', () => {
      if (!req.complete) done(undefined)
    })
  })
}

/** Most of a refused body read (and dropped) so the client gets its answer. */
const DISCARD_MAX = 16 * 1024

/** How long a refused request may go on sending before it is cut off. */
const LINGER_MS = 2000

/**
 * After a refusal: reads and drops at most `max` (and 16 KB) more of the body,
 * then stops reading, and cuts the connection after {@link LINGER_MS}
 * unless the body has ended by then — so a client that sends a small body
 * reads its answer on a live connection, and one that sends 50 MB is not
 * read past the limit (node:http would otherwise read any refused body to
 * its end, 404s included). Cutting at once would reset the connection
 * before the client read the answer.
 */
export function discard(req: IncomingMessage, max: number): void {
  if (req.complete || req.destroyed) return
  // Dropped bytes are garbage until collected: a small allowance answers
  // honest clients without letting a crowd of refused ones swell memory.
  const allowance = Math.min(max, DISCARD_MAX)
  let size = 0
  const timer = setTimeout(() => {
    req.socket.destroy()
  }, LINGER_MS)
  timer.unref()
  req.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size > allowance) req.pause()
  })
  req.on('end', () => {
    clearTimeout(timer)
  })
  req.resume()
}
