/**
 * js-yaml, loaded when YAML is first read rather than when a module that
 * can read YAML is loaded: reading and initialising it costs an action about
 * 5 ms before its first log line (a seventh of Node's own start-up), and
 * most first lines need no YAML.
 *
 * The action bundles replace this module (scripts/package.mjs) with one that
 * requires the js-yaml chunk beside the bundle, read on first call.
 */

import { createRequire } from 'node:module'
import type JsYaml from 'js-yaml'

export type JsYamlModule = typeof JsYaml

let loaded: JsYamlModule | undefined

export function jsyaml(): JsYamlModule {
  loaded ??= createRequire(import.meta.url)('js-yaml') as JsYamlModule
  return loaded
}
