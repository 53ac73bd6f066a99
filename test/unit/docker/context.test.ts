import {
  chmodSync,
  closeSync,
  openSync,
  writeSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { extract } from 'tar-stream'
import { InputError } from '../../../src/core/index.js'
import { listContext, packContext } from '../../../src/docker/index.js'

interface Entry {
  name: string
  type: string
  mode: number
  uid: number
  gid: number
  linkname: string | null
  body: string
}

async function untar(stream: Readable): Promise<Entry[]> {
  const entries: Entry[] = []
  const tar = extract()
  tar.on('entry', (header, body, next) => {
    const chunks: Buffer[] = []
    body.on('data', (c: unknown) => {
      chunks.push(c as Buffer)
    })
    body.on('end', () => {
      entries.push({
        name: header.name,
        type: header.type,
        mode: header.mode,
        uid: header.uid,
        gid: header.gid,
        linkname: header.linkname,
        body: Buffer.concat(chunks).toString()
      })
      next()
    })
  })
  await new Promise<void>((resolve, reject) => {
    tar.on('finish', resolve)
    tar.on('error', reject)
    stream.pipe(tar)
  })
  return entries
}

const roots: string[] = []
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true })
})

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackci-ctx-'))
  roots.push(dir)
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), body)
  }
  return dir
}

describe('packContext', () => {
  it('streams a tar of what is not ignored, owned by root, links kept', async () => {
    const dir = tree({
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': 'ignored\n*.tmp\nDockerfile\n',
      'src/run.sh': '#!/bin/sh\necho hi\n',
      'ignored/x': 'x',
      'a.tmp': 't',
      'big.bin': 'b'.repeat(3 << 20)
    })
    chmodSync(join(dir, 'src/run.sh'), 0o755)
    symlinkSync('run.sh', join(dir, 'src/link'))
    linkSync(join(dir, 'src/run.sh'), join(dir, 'src/hard.sh'))
    const packed = await packContext({ dir })
    const entries = await untar(packed.stream)
    await packed.done
    expect(entries.map((e) => `${e.type} ${e.name}`)).toEqual([
      'file .dockerignore',
      // Ignored, yet sent: the engine reads it, then drops it.
      'file Dockerfile',
      'file big.bin',
      'directory src',
      // Name order: the first name of a hard-linked file carries the data.
      'file src/hard.sh',
      'symlink src/link',
      'link src/run.sh'
    ])
    const byName = new Map(entries.map((e) => [e.name, e]))
    expect(byName.get('src/run.sh')).toMatchObject({
      mode: 0o755,
      uid: 0,
      gid: 0
    })
    expect(byName.get('src/link')?.linkname).toBe('run.sh')
    expect(byName.get('src/run.sh')?.linkname).toBe('src/hard.sh')
    expect(byName.get('big.bin')?.body.length).toBe(3 << 20)
    expect(packed.dockerfile).toBe('Dockerfile')
    expect(packed.stats).toEqual({
      files: 5,
      directories: 1,
      // .dockerignore, Dockerfile, big.bin, hard.sh (run.sh is a link)
      bytes: 25 + 13 + (3 << 20) + 18
    })
  })

  it('sends a Dockerfile from outside the context under a random name it also ignores', async () => {
    const dir = tree({
      'ctx/app.py': 'print(1)\n',
      'docker/Dockerfile': 'FROM scratch\n'
    })
    const packed = await packContext({
      dir: join(dir, 'ctx'),
      dockerfile: join(dir, 'docker/Dockerfile')
    })
    const entries = await untar(packed.stream)
    expect(packed.dockerfile).toMatch(/^\.dockerfile\.[0-9a-f]{20}$/)
    expect(entries.map((e) => e.name)).toEqual([
      'app.py',
      packed.dockerfile,
      '.dockerignore'
    ])
    expect(entries[1]?.body).toBe('FROM scratch\n')
    expect(entries[2]?.body).toBe(`.dockerignore\n${packed.dockerfile}\n`)
  })

  it('reads ahead only a few MiB of a large file nobody is consuming', async () => {
    const dir = tree({ Dockerfile: '' })
    const fd = openSync(join(dir, 'big.bin'), 'w')
    const block = Buffer.alloc(1 << 20, 7)
    for (let i = 0; i < 96; i++) writeSync(fd, block)
    closeSync(fd)
    const before = process.memoryUsage().arrayBuffers
    const packed = await packContext({ dir })
    // Give the packer every chance to run ahead while nothing reads.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
    await new Promise((r) => setTimeout(r, 200))
    const ahead = process.memoryUsage().arrayBuffers - before
    expect(ahead).toBeLessThan(16 << 20)
    // And it all arrives once read.
    let bytes = 0
    for await (const chunk of packed.stream) bytes += (chunk as Buffer).length
    await packed.done
    expect(bytes).toBeGreaterThan(96 << 20)
  })

  it('lists the same entries it sends', async () => {
    const dir = tree({
      Dockerfile: '',
      'a/b': '1',
      c: '2',
      '.dockerignore': 'c\n'
    })
    const listed = await listContext({ dir })
    expect(listed).toEqual([
      { name: '.dockerignore', type: 'file', size: 2 },
      { name: 'Dockerfile', type: 'file', size: 0 },
      { name: 'a', type: 'directory', size: 0 },
      { name: 'a/b', type: 'file', size: 1 }
    ])
  })

  it('leaves stackci’s own state (.stackci/) out by default; .dockerignore can take it back', async () => {
    const files = {
      Dockerfile: '',
      'app.py': '1',
      '.stackci/metrics.sqlite': 'db',
      '.stackci/spool/x.json': '{}',
      'sub/.stackci': 'a file, not the root state'
    }
    const names = async (
      options: Parameters<typeof listContext>[0]
    ): Promise<string[]> => (await listContext(options)).map((e) => e.name)
    expect(await names({ dir: tree(files) })).toEqual([
      'Dockerfile',
      'app.py',
      'sub',
      'sub/.stackci'
    ])
    expect(
      await names({
        dir: tree({ ...files, '.dockerignore': '!.stackci/spool\n' })
      })
    ).toContain('.stackci/spool/x.json')
    expect(await names({ dir: tree(files), exclude: [] })).toContain(
      '.stackci/metrics.sqlite'
    )
  })

  it.each([
    [
      { dir: '/nonexistent/ctx' },
      /build context \/nonexistent\/ctx is not a directory/
    ],
    [
      { dir: '.', dockerfile: '/nonexistent/Dockerfile' },
      /Dockerfile \/nonexistent\/Dockerfile not found/
    ]
  ])('names what is missing: %j', async (options, message) => {
    await expect(packContext(options)).rejects.toThrow(InputError)
    await expect(packContext(options)).rejects.toThrow(message)
  })

  it('names the .dockerignore with a bad pattern', async () => {
    const dir = tree({ Dockerfile: '', '.dockerignore': 'ok\n[oops\n' })
    await expect(packContext({ dir })).rejects.toThrow(
      /\.dockerignore: syntax error in \.dockerignore pattern "\[oops"/
    )
  })
})
