/**
 * Secret masking shared by every Reporter. A secret is registered once, with
 * every form it can take on the way out (URL-encoded, base64 in a Basic
 * header, each line of a multi-line value), and every line of output goes
 * through {@link Masker.apply} before it reaches a terminal or a log file.
 */

export const MASK = '***'

/** Holds secrets and scrubs them from text. */
export class Masker {
  readonly #secrets = new Set<string>()
  #ordered: string[] = []

  /** Registers a secret and its derived forms. Empty values are ignored. */
  add(secret: string | undefined): void {
    if (secret === undefined) return
    for (const form of derivedForms(secret)) {
      if (form.length === 0 || this.#secrets.has(form)) continue
      this.#secrets.add(form)
    }
    // Longest first, so a secret that contains another is masked whole.
    this.#ordered = [...this.#secrets].sort((a, b) => b.length - a.length)
  }

  /** Every registered form, longest first (for Reporters that forward them). */
  get secrets(): readonly string[] {
    return this.#ordered
  }

  /** Replaces every registered secret in `text` with `***`. */
  apply(text: string): string {
    let out = text
    for (const secret of this.#ordered) {
      if (out.includes(secret)) out = out.split(secret).join(MASK)
    }
    return out
  }
}

/** The forms a secret can appear in output. */
function derivedForms(secret: string): string[] {
  const forms = [secret, secret.trim()]
  const encoded = encodeURIComponent(secret)
  if (encoded !== secret) forms.push(encoded)
  // The runner masks multi-line secrets line by line; so do we.
  if (secret.includes('\n')) {
    for (const line of secret.split(/\r?\n/)) forms.push(line.trim())
  }
  return forms.filter((f) => f.length > 0)
}

/**
 * The `Authorization` value for HTTP Basic auth. Callers must register the
 * result with their Reporter's `mask` (the header is as secret as the token).
 */
export function basicAuthHeader(user: string, token: string): string {
  return `Basic ${Buffer.from(`${user}:${token}`, 'utf8').toString('base64')}`
}

/** Removes `user:password@` from a URL string, leaving the rest intact. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.username === '' && parsed.password === '') return url
    parsed.username = ''
    parsed.password = ''
    return parsed.toString()
  } catch {
    return url.replace(/\/\/[^/@\s]*@/, '//')
  }
}

/**
 * The secrets a URL carries in its userinfo — the password as written and
 * decoded, and the Basic header made of it — for a masker, before the URL
 * (or an error quoting it) is printed anywhere.
 */
export function urlUserinfoSecrets(url: string): string[] {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return []
  }
  if (parsed.password === '') return []
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s)
    } catch {
      return s
    }
  }
  const user = decode(parsed.username)
  const password = decode(parsed.password)
  return [
    parsed.password,
    password,
    `${parsed.username}:${parsed.password}`,
    basicAuthHeader(user, password)
  ]
}
