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
import { basename, dirname, join, relative, resolve } from 'node:path'
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
 * 0.8 MB), and every byte a step carries is parsed before its first log line.
 */
const SIDE_EFFECT_FREE = /^@actions\//
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
 * @actions/core imports `crypto` at load only to make an output delimiter
 * (`randomUUID`), and loading `node:crypto` (ciphers, streams) costs every
 * action ~5 ms before its first line: it gets `randomUUID` loaded on use.
 * (esbuild warns at build time should it ever use anything else.)
 */
const lazyCoreCrypto = {
  name: 'lazy-core-crypto',
  setup(b) {
    b.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
      /node_modules[\\/]@actions[\\/]core[\\/]/.test(args.importer)
        ? { path: 'crypto', namespace: 'stackci-lazy-crypto' }
        : undefined
    )
    b.onLoad({ filter: /.*/, namespace: 'stackci-lazy-crypto' }, () => ({
      loader: 'js',
      contents:
        "export const randomUUID = () => process.getBuiltinModule('node:crypto').randomUUID()"
    }))
  }
}

/**
 * `node:fs/promises` costs every action a few ms at load (it brings
 * readline and streams), and @actions/core's summary takes
 * `fs.promises` at load too; both get functions that load it on first call.
 */
const FS_PROMISES = createRequire(import.meta.url)('node:fs/promises')
const lazyFsFunctions = Object.keys(FS_PROMISES)
  .filter((k) => typeof FS_PROMISES[k] === 'function')
  .map(
    (k) =>
      `export const ${k} = (...a) => process.getBuiltinModule('node:fs/promises').${k}(...a)`
  )
  .join('\n')
const lazyFsPromises = {
  name: 'lazy-fs-promises',
  setup(b) {
    b.onResolve({ filter: /^(node:)?fs\/promises$/ }, () => ({
      path: 'fs/promises',
      namespace: 'stackci-lazy-fs'
    }))
    b.onResolve({ filter: /^(node:)?fs$/ }, (args) =>
      /node_modules[\\/]@actions[\\/]core[\\/]lib[\\/]summary\.js$/.test(
        args.importer
      )
        ? { path: 'fs', namespace: 'stackci-lazy-fs' }
        : undefined
    )
    b.onLoad(
      { filter: /^fs\/promises$/, namespace: 'stackci-lazy-fs' },
      () => ({
        loader: 'js',
        resolveDir: root,
        contents: `${lazyFsFunctions}\nexport { constants } from 'node:fs'`
      })
    )
    b.onLoad({ filter: /^fs$/, namespace: 'stackci-lazy-fs' }, () => ({
      loader: 'js',
      resolveDir: root,
      contents:
        "export * from 'node:fs'\nimport * as promises from 'fs/promises'\nexport { promises }"
    }))
  }
}

/**
 * src/core/js-yaml.ts loads js-yaml on first use through `createRequire`,
 * which a bundle cannot follow: in a bundle it becomes a `require` of the
 * js-yaml chunk beside it, read only when YAML is first parsed.
 */
const lazyJsYaml = {
  name: 'lazy-js-yaml',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]core[\\/]js-yaml\.ts$/ }, () => ({
      loader: 'js',
      contents: `let loaded
export function jsyaml() {
  loaded ??= require('stackci-chunk:js-yaml')
  return loaded
}`
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

/**
 * What a step may need but should not pay for before its first log line is
 * loaded from its own file beside the bundle (`dist/chunks/*.cjs`), read only
 * when the step gets there:
 * - these packages, wherever the code loads one with `await import(…)`;
 * - a door's own module loaded with `await import('./x.js')` (the root
 *   action's steps, after its plan line). Such a module is bundled with its
 *   own copies of what it imports, so it shares only plain data and the
 *   Reporter with the door, and handles its own errors.
 * Anything that would end up both inside a bundle and in a chunk (two
 * copies, two instances) fails the build.
 */
const LAZY = [
  'dockerode',
  'tar-stream',
  '@octokit/rest',
  '@slack/web-api',
  'undici'
]
const LAZY_FILTER = new RegExp(
  `^(${LAZY.map((n) => n.replace(/[/@.-]/g, (c) => `\\${c}`)).join('|')})$`
)
const chunkName = (name) =>
  `${name
    .replace(/^@/, '')
    .replace(/\//g, '-')
    .replace(/\.[jt]s$/, '')}.cjs`

/**
 * Marks lazily imported packages (`found`) and door modules (`doors`) as
 * external files under `chunks/`; `prefix` is how the bundle being built
 * reaches that directory.
 */
function lazyChunks(found, doors, prefix) {
  const use = (name) => {
    const uses = found.get(name) ?? { lazy: [], eager: [] }
    found.set(name, uses)
    return uses
  }
  const chunk = (name) => ({
    path: `${prefix}${chunkName(name)}`,
    external: true
  })
  return {
    name: 'lazy-chunks',
    setup(b) {
      b.onResolve({ filter: LAZY_FILTER }, (args) => {
        if (args.pluginData === 'resolving') return undefined
        const lazy = args.kind === 'dynamic-import'
        use(args.path)[lazy ? 'lazy' : 'eager'].push(
          relative(root, args.importer)
        )
        return lazy ? chunk(args.path) : undefined
      })
      // A synchronous lazy load (see lazyJsYaml): `require('stackci-chunk:x')`.
      b.onResolve({ filter: /^stackci-chunk:/ }, (args) => {
        const name = args.path.slice('stackci-chunk:'.length)
        use(name).lazy.push(relative(root, args.importer))
        return chunk(name)
      })
      b.onResolve({ filter: /^\.\/[^/]+\.js$/ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined
        if (!/^actions[\\/][^\\/]+$/.test(relative(root, args.resolveDir)))
          return undefined
        const source = join(args.resolveDir, args.path.replace(/\.js$/, '.ts'))
        doors.set(chunkName(basename(source)), source)
        return chunk(basename(source))
      })
    }
  }
}

const COMMON = {
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
  // `await import('./chunks/x.cjs')` as `require` (in a promise): Node's ESM
  // loader would see only a default export in an esbuild-made CJS file.
  supported: { 'dynamic-import': false }
}

/** One lazily loaded package as its own CommonJS file. */
async function bundlePackageChunk(name, outfile) {
  await build({
    ...COMMON,
    stdin: {
      contents: `module.exports = require(${JSON.stringify(name)})`,
      resolveDir: root,
      sourcefile: `chunk:${name}`
    },
    outfile,
    plugins: [actionsSideEffectFree, unusedTransports],
    banner: {
      js: `// Generated by scripts/package.mjs: ${name}, loaded lazily by the bundles beside it. Do not edit.`
    }
  })
}

/** Whether `metafile`'s one output holds a file for which `test` is true. */
const holds = (metafile, test) =>
  Object.keys(Object.values(metafile.outputs)[0].inputs).some(test)

/**
 * Bundles `entry` into `outfile`, and what it loads lazily into `chunks/`
 * beside it; returns every file written (relative to the bundle's dir).
 */
async function bundle(entry, outfile) {
  const dir = dirname(outfile)
  const found = new Map()
  const doors = new Map()
  const metas = [
    await bundleMain(entry, outfile, lazyChunks(found, doors, './chunks/'))
  ]
  const written = [basename(outfile)]
  const fail = (what) => {
    throw new Error(
      `${relative(root, entry)}: ${what}; import it with await import() everywhere, or nowhere`
    )
  }
  for (const [file, source] of doors) {
    if (holds(metas[0], (f) => resolve(root, f) === source))
      fail(`${relative(root, source)} is imported both statically and lazily`)
    const nested = new Map()
    metas.push(
      await bundleMain(
        source,
        join(dir, 'chunks', file),
        lazyChunks(found, nested, './')
      )
    )
    if (nested.size > 0)
      fail(`${relative(root, source)} loads door modules lazily itself`)
    written.push(`chunks/${file}`)
  }
  for (const [name, uses] of found) {
    if (uses.lazy.length === 0) continue
    // A static import esbuild dropped (unused) is harmless; one it kept
    // would put a second copy of the package in a bundle.
    if (metas.some((m) => holds(m, (f) => f.includes(`node_modules/${name}/`))))
      fail(
        `${name} is imported statically (${uses.eager.join(', ')}) and lazily (${uses.lazy.join(', ')})`
      )
    await bundlePackageChunk(name, join(dir, 'chunks', chunkName(name)))
    written.push(`chunks/${chunkName(name)}`)
  }
  return written
}

async function bundleMain(entry, outfile, chunks) {
  const { metafile } = await build({
    ...COMMON,
    entryPoints: [entry],
    outfile,
    plugins: [
      chunks,
      lazyCoreCrypto,
      lazyFsPromises,
      lazyJsYaml,
      actionsSideEffectFree,
      unusedTransports,
      embeddedChart
    ],
    metafile: true,
    banner: {
      js:
        '// Generated by scripts/package.mjs from ' +
        relative(root, entry) +
        '. Do not edit.'
    }
  })
  return metafile
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
/** Every file under `dir`, relative to it, sorted. */
const filesUnder = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => relative(dir, join(d.parentPath, d.name)))
        .sort()
    : []
const names = [...new Set(list.map((e) => e.name))]
if (!check) {
  for (const name of names) {
    const dist = join(root, 'actions', name, 'dist')
    rmSync(join(dist, 'chunks'), { recursive: true, force: true })
    for (const { entry, outfile } of list.filter((e) => e.name === name)) {
      const written = await bundle(entry, outfile)
      console.log(
        `built ${relative(root, outfile)}` +
          (written.length > 1 ? ` (+ ${written.slice(1).join(', ')})` : '')
      )
    }
  }
} else {
  const temp = mkdtempSync(join(tmpdir(), 'stackci-package-'))
  const stale = []
  try {
    for (const name of names) {
      const dist = join(root, 'actions', name, 'dist')
      const fresh = join(temp, name)
      for (const { entry, outfile } of list.filter((e) => e.name === name))
        await bundle(entry, join(fresh, relative(dist, outfile)))
      const want = filesUnder(fresh)
      for (const file of new Set([...want, ...filesUnder(dist)])) {
        const committed = join(dist, file)
        const rebuilt = join(fresh, file)
        if (
          !existsSync(rebuilt) ||
          !existsSync(committed) ||
          !readFileSync(committed).equals(readFileSync(rebuilt))
        )
          stale.push(relative(root, committed))
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
