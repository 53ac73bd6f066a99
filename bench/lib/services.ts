import { execFileSync } from 'node:child_process'

/**
 * The Docker engine and the busybox base image of scripts/services.sh: from
 * the environment when `npm test`'s variables are set, else by running
 * `ensure_docker` (which starts what is missing and returns at once).
 */
export function ensureDockerEnv(): { host: string; baseImage: string } {
  const { STACKCI_DOCKER_HOST: host, STACKCI_BASE_IMAGE: image } = process.env
  if (host && image) return { host, baseImage: image }
  const out = execFileSync(
    'bash',
    [
      '-c',
      'source scripts/services.sh >/dev/null; ensure_docker >&2; printf "%s\\n" "$STACKCI_DOCKER_HOST" "$STACKCI_BASE_IMAGE"'
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }
  )
  const [h = '', b = ''] = out.trim().split('\n').slice(-2)
  return { host: h, baseImage: b }
}
