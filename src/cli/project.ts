/**
 * The project a standalone command runs in: `stackci.yml` in the working
 * directory (or the file `--config` names), whose sections give the
 * command's defaults; flags override them.
 */

import { existsSync } from 'node:fs'
import { readStackciConfig, type StackciConfig } from '../core/config.js'

/** The project's configuration, or undefined outside a project. */
export async function projectConfig(
  file?: string
): Promise<StackciConfig | undefined> {
  if (file === undefined && !existsSync('stackci.yml')) return undefined
  return readStackciConfig(file ?? 'stackci.yml')
}
