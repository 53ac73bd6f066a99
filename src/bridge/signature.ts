/**
 * Authentication of a delivery, on the raw bytes, before anything parses
 * them. The strong way is an HMAC-SHA256 of the body in GitHub's format
 * (`X-Stackci-Signature-256: sha256=<hex>`, or `X-Hub-Signature-256`), which a
 * pipeline can compute with `openssl dgst -sha256 -hmac`. The Notification
 * plugin cannot sign, so a token in the URL (`?token=…`, or the password of
 * Basic userinfo) is the documented weaker fallback. Comparisons are
 * constant-time.
 */

import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADERS = [
  'x-stackci-signature-256',
  'x-hub-signature-256'
] as const

/** `sha256=<hex>` for `body` under `secret` (what senders compute). */
export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/** Constant-time equality of two strings of any lengths. */
export function safeEqual(a: string, b: string): boolean {
  // Hashing first makes the lengths equal, so timing reveals nothing about them.
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb)
}

/** Verifies a `sha256=<64 hex>` signature over the raw body. */
export function verifySignature(
  secret: string,
  body: Buffer,
  header: string
): boolean {
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim())
  if (m === null) return false
  const given = Buffer.from(m[1] ?? '', 'hex')
  const expected = createHmac('sha256', secret).update(body).digest()
  return given.length === expected.length && timingSafeEqual(given, expected)
}

export type AuthOutcome =
  { ok: true; method: 'signature' | 'token' } | { ok: false; reason: string }

export interface AuthRequest {
  headers: Record<string, string | string[] | undefined>
  /** The request path with its query. */
  url: string
  body: Buffer
}

function header(req: AuthRequest, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** The token a request carries in its query or its Basic userinfo. */
function urlToken(req: AuthRequest): string | undefined {
  const query = new URL(req.url, 'http://bridge.invalid').searchParams.get(
    'token'
  )
  if (query !== null) return query
  const basic = /^Basic\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')
  if (basic === null) return undefined
  const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? undefined : decoded.slice(colon + 1)
}

/**
 * Decides whether a delivery is authentic. A signature that is present but
 * wrong fails even when a token would have passed: somebody tried to sign.
 */
export function authenticate(
  req: AuthRequest,
  auth: { secret?: string; urlToken?: string }
): AuthOutcome {
  const signature = SIGNATURE_HEADERS.map((h) => header(req, h)).find(
    (v) => v !== undefined
  )
  if (signature !== undefined) {
    if (auth.secret === undefined)
      return {
        ok: false,
        reason: 'signed events are not enabled (BRIDGE_SECRET is not set)'
      }
    return verifySignature(auth.secret, req.body, signature)
      ? { ok: true, method: 'signature' }
      : { ok: false, reason: 'the signature does not match the body' }
  }
  const token = urlToken(req)
  if (token !== undefined) {
    if (auth.urlToken === undefined)
      return {
        ok: false,
        reason:
          'URL tokens are not accepted here (BRIDGE_URL_TOKEN is not set); sign the body'
      }
    return safeEqual(token, auth.urlToken)
      ? { ok: true, method: 'token' }
      : { ok: false, reason: 'the token is wrong' }
  }
  return {
    ok: false,
    reason:
      auth.secret === undefined
        ? 'no token: add ?token=… to the endpoint URL'
        : 'no signature: send X-Stackci-Signature-256: sha256=<HMAC-SHA256 of the body>'
  }
}
