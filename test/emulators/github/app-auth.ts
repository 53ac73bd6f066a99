/**
 * GitHub App authentication for the GitHub emulator: an app signs a JWT
 * (RS256, `iss` = app id, `iat`/`exp` at most 10 minutes apart) with its
 * private key and trades it at `POST /app/installations/{id}/access_tokens`
 * for an installation token (`ghs_…`) that expires (after an hour on
 * GitHub). Written from GitHub's "Authenticating as a GitHub App" docs.
 */

import { createPublicKey, verify } from 'node:crypto'

export interface EmulatedApp {
  /** The app's public key (PEM), to check its JWTs. */
  publicKeyPem: string
  installations: number[]
}

/** Why a JWT is refused, or the app id it proves. */
export function checkAppJwt(
  jwt: string,
  apps: Record<string, EmulatedApp>,
  nowSeconds: number
): { appId: string } | { error: string } {
  const parts = jwt.split('.')
  if (parts.length !== 3)
    return { error: 'A JSON web token could not be decoded' }
  const [head = '', body = '', sig = ''] = parts
  let header: { alg?: string }
  let claims: { iss?: unknown; iat?: unknown; exp?: unknown }
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString()) as {
      alg?: string
    }
    claims = JSON.parse(
      Buffer.from(body, 'base64url').toString()
    ) as typeof claims
  } catch {
    return { error: 'A JSON web token could not be decoded' }
  }
  const appId = String(claims.iss)
  const app = apps[appId]
  if (header.alg !== 'RS256' || app === undefined)
    return { error: 'Integration not found' }
  const ok = verify(
    'RSA-SHA256',
    Buffer.from(`${head}.${body}`),
    createPublicKey(app.publicKeyPem),
    Buffer.from(sig, 'base64url')
  )
  if (!ok) return { error: 'A JSON web token could not be decoded' }
  const iat = Number(claims.iat)
  const exp = Number(claims.exp)
  if (!(exp > nowSeconds) || !(iat <= nowSeconds + 60) || exp - iat > 600)
    return { error: "'Expiration time' claim ('exp') is too far in the future" }
  return { appId }
}
