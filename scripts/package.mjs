#!/usr/bin/env node
// Bundles every action door (actions/<name>/main.ts, and post.ts when there
// is one) into actions/<name>/dist/{index,post}.cjs with esbuild: CommonJS,
// node20 target, one self-contained file per entry.
//
//   node scripts/package.mjs          rebuild the committed bundles
//   node scripts/package.mjs --check  rebuild into a temp dir and fail if any
//                                     committed bundle differs (stale)
//   node scripts/package.mjs --entry FILE --outfile FILE
//                                     bundle one other entry the same way
//                                     (the tests check code that runs from
//                                     a bundle this way)
import { build } from 'esbuild'
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const check = process.argv.includes('--check')
const flag = (name) => {
  const i = process.argv.indexOf(name)
  return i < 0 ? undefined : process.argv[i + 1]
}
const single = { entry: flag('--entry'), outfile: flag('--outfile') }
const only = process.argv
  .slice(2)
  .filter(
    (a) => !a.startsWith('--') && a !== single.entry && a !== single.outfile
  )

/** Every bundle to build: [entry source, committed output]. */
export function entries() {
  const out = []
  for (const name of readdirSync(join(root, 'actions')).sort()) {
    if (only.length > 0 && !only.includes(name)) continue
    for (const [src, dist] of [
      ['main.ts', 'index.cjs'],
      ['post.ts', 'post.cjs']
    ]) {
      const entry = join(root, 'actions', name, src)
      if (existsSync(entry)) {
        out.push({
          name,
          entry,
          outfile: join(root, 'actions', name, 'dist', dist)
        })
      }
    }
  }
  return out
}

/**
 * Packages that are side-effect free for our purposes: marking them so lets
 * esbuild drop what a door never calls (getIDToken's HTTP client alone is
 * 0.8 MB; `yaml` is 0.26 MB in a step that never reads a stackci.yml), and
 * every byte a step carries is parsed before its first log line.
 */
const SIDE_EFFECT_FREE = /^(@actions\/|yaml$)/
const actionsSideEffectFree = {
  name: 'actions-side-effect-free',
  setup(b) {
    b.onResolve({ filter: SIDE_EFFECT_FREE }, async (args) => {
      if (args.pluginData === 'resolving') return undefined
      const r = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving'
      })
      return r.errors.length > 0
        ? undefined
        : { path: r.path, sideEffects: false }
    })
  }
}

/**
 * Transports dockerode loads at start-up but stackci never uses (ssh:// hosts,
 * BuildKit sessions): stubbed, so a stack-image step does not parse 1.4 MB it
 * cannot reach. Using one throws a clear error instead.
 */
const UNUSED = /^(ssh2|@grpc\/grpc-js|@grpc\/proto-loader|protobufjs)$/
const unusedTransports = {
  name: 'unused-transports',
  setup(b) {
    b.onResolve({ filter: UNUSED }, (args) => ({
      path: args.path,
      namespace: 'stackci-unused'
    }))
    b.onLoad({ filter: /.*/, namespace: 'stackci-unused' }, (args) => ({
      loader: 'js',
      contents: `const fail = () => { throw new Error(${JSON.stringify(
        `${args.path} is not bundled into stackci actions (ssh:// Docker hosts and BuildKit sessions are not supported there; use the stackci CLI)`
      )}) }
const member = new Proxy(fail, { get: () => member, apply: fail, construct: fail })
module.exports = new Proxy({}, { get: (_t, key) => (key === '__esModule' ? undefined : member) })`
    }))
  }
}

/**
 * The HTML report embeds Chart.js, which a bundle cannot read from
 * node_modules at run time: src/report/embedded-chart.ts is replaced by a
 * module returning the library's browser build as text.
 */
const embeddedChart = {
  name: 'embedded-chart',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]report[\\/]embedded-chart\.ts$/ }, () => {
      const file = join(
        dirname(createRequire(import.meta.url).resolve('chart.js')),
        'chart.umd.min.js'
      )
      const text = readFileSync(file, 'utf8')
      return {
        loader: 'js',
        contents: `export const CHART_JS_FILE = 'chart.umd.min.js'
export function loadChartSource() {
  return { text: ${JSON.stringify(text)}, origin: 'bundle' }
}`
      }
    })
  }
}

async function bundle(entry, outfile) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    // Absolute paths must never leak into the committed bundle.
    absWorkingDir: root,
    // dockerode → ssh2 loads this optional native speed-up inside a
    // try/catch; it cannot be bundled and is not needed.
    external: ['cpu-features', '*.node'],
    plugins: [actionsSideEffectFree, unusedTransports, embeddedChart],
    banner: {
      js:
        '// Generated by scripts/package.mjs from ' +
        relative(root, entry) +
        '. Do not edit.'
    }
  })
}

if (single.entry !== undefined || single.outfile !== undefined) {
  if (single.entry === undefined || single.outfile === undefined) {
    console.error('--entry FILE and --outfile FILE go together')
    process.exit(2)
  }
  await bundle(resolve(single.entry), resolve(single.outfile))
  console.log(`built ${single.outfile}`)
  process.exit(0)
}

const list = entries()
if (list.length === 0) {
  console.error('no actions/*/main.ts found')
  process.exit(1)
}
if (!check) {
  for (const { entry, outfile } of list) {
    await bundle(entry, outfile)
    console.log(`built ${relative(root, outfile)}`)
  }
} else {
  const temp = mkdtempSync(join(tmpdir(), 'stackci-package-'))
  const stale = []
  try {
    for (const { name, entry, outfile } of list) {
      const fresh = join(
        temp,
        name,
        relative(join(root, 'actions', name), outfile)
      )
      await bundle(entry, fresh)
      const committed = existsSync(outfile) ? readFileSync(outfile) : undefined
      if (committed === undefined || !committed.equals(readFileSync(fresh))) {
        stale.push(relative(root, outfile))
      }
    }
  } finally {
    rmSync(temp, { recursive: true, force: true })
  }
  if (stale.length > 0) {
    console.error(
      `stale action bundles (run npm run package and commit):\n  ${stale.join('\n  ')}`
    )
    process.exit(1)
  }
  console.log(`${list.length} action bundles are current`)
}
