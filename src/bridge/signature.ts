/**
 * Authentication of a delivery, in two steps so that nobody can make the
 * bridge read a body without a credential: {@link checkCredentials} looks at
 * the headers and the URL only — a URL token is settled there, a signature
 * must be well formed and carry a fresh timestamp — and a signed delivery is
 * then verified on its raw bytes, before anything parses them.
 *
 * The strong way is an HMAC-SHA256 over `<X-Stackci-Timestamp>.<body>`
 * (`X-Stackci-Signature-256: sha256=<hex>`, or `X-Hub-Signature-256`), which a
 * pipeline can compute with `openssl dgst -sha256 -hmac`; the timestamp
 * (Unix seconds, ±5 minutes) stops a captured delivery from being replayed
 * once its dedupe key is pruned. The Notification plugin cannot sign, so a
 * token in the URL (`?token=…`, or the password of Basic userinfo) is the
 * documented weaker fallback. Comparisons are constant-time.
 */

import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADERS = [
  'x-stackci-signature-256',
  'x-hub-signature-256'
] as const
export const TIMESTAMP_HEADER = 'x-stackci-timestamp'
/** How far a signed timestamp may be from the bridge's clock. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000

/**
 * `sha256=<hex>` over `<timestamp>.<body>` under `secret` (what senders
 * compute); `timestamp` is Unix seconds, as sent in X-Stackci-Timestamp.
 */
export function signBody(
  secret: string,
  body: Buffer | string,
  timestamp: number
): string {
  return `sha256=${hmac(secret, body, String(timestamp)).toString('hex')}`
}

/** The two headers a signed delivery carries, for `body` sent at `nowMs`. */
export function signatureHeaders(
  secret: string,
  body: Buffer | string,
  nowMs: number = Date.now()
): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000)
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    'x-stackci-signature-256': signBody(secret, body, timestamp)
  }
}

function hmac(
  secret: string,
  body: Buffer | string,
  timestamp: string
): Buffer {
  return createHmac('sha256', secret)
    .update(`${timestamp}.`)
    .update(body)
    .digest()
}

/** Constant-time equality of two strings of any lengths. */
export function safeEqual(a: string, b: string): boolean {
  // Hashing first makes the lengths equal, so timing reveals nothing about them.
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb)
}

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/

/** Verifies a `sha256=<64 hex>` signature over `<timestamp>.<body>`. */
export function verifySignature(
  secret: string,
  body: Buffer,
  header: string,
  timestamp: string
): boolean {
  const m = SIGNATURE.exec(header.trim())
  if (m === null) return false
  const given = Buffer.from(m[1] ?? '', 'hex')
  const expected = hmac(secret, body, timestamp)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

export type AuthOutcome =
  { ok: true; method: 'signature' | 'token' } | { ok: false; reason: string }

/**
 * What the headers say: settled (a token, or a refusal), or a signature
 * that is plausible and must now be checked against the body.
 */
export type CredentialCheck =
  AuthOutcome | { ok: 'body'; verify: (body: Buffer) => AuthOutcome }

export interface AuthRequest {
  headers: Record<string, string | string[] | undefined>
  /** The request path with its query. */
  url: string
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
 * Decides from the headers alone whether a delivery may send its body. A
 * signature that is present but wrong fails even when a token would have
 * passed: somebody tried to sign.
 */
export function checkCredentials(
  req: AuthRequest,
  auth: { secret?: string; urlToken?: string },
  nowMs: number
): CredentialCheck {
  const signature = SIGNATURE_HEADERS.map((h) => header(req, h)).find(
    (v) => v !== undefined
  )
  if (signature !== undefined) {
    const secret = auth.secret
    if (secret === undefined)
      return {
        ok: false,
        reason: 'signed events are not enabled (BRIDGE_SECRET is not set)'
      }
    if (!SIGNATURE.test(signature.trim()))
      return { ok: false, reason: 'the signature is not sha256=<64 hex>' }
    const timestamp = header(req, TIMESTAMP_HEADER)?.trim() ?? ''
    if (!/^\d{1,12}$/.test(timestamp))
      return {
        ok: false,
        reason: `no ${TIMESTAMP_HEADER}: sign "<unix seconds>.<body>" and send the seconds in ${TIMESTAMP_HEADER}`
      }
    const skew = Math.abs(Number(timestamp) * 1000 - nowMs)
    if (skew > SIGNATURE_WINDOW_MS)
      return {
        ok: false,
        reason: `${TIMESTAMP_HEADER} is ${Math.round(skew / 1000)} s away from the bridge's clock (at most ${SIGNATURE_WINDOW_MS / 1000} s): a replay, or a clock to fix`
      }
    return {
      ok: 'body',
      verify: (body) =>
        verifySignature(secret, body, signature, timestamp)
          ? { ok: true, method: 'signature' }
          : { ok: false, reason: 'the signature does not match the body' }
    }
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
        : `no signature: send ${TIMESTAMP_HEADER} and X-Stackci-Signature-256: sha256=<HMAC-SHA256 of "<timestamp>.<body>">`
  }
}

/** Both steps at once, for a delivery whose body is already read. */
export function authenticate(
  req: AuthRequest & { body: Buffer },
  auth: { secret?: string; urlToken?: string },
  nowMs: number = Date.now()
): AuthOutcome {
  const c = checkCredentials(req, auth, nowMs)
  return c.ok === 'body' ? c.verify(req.body) : c
}
