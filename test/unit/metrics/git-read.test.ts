/**
 * How the git store reads a long history: `cat-file --batch` output split
 * into blobs however git's writes cut it, and the history made straight
 * from month packs and job files — the same jobs, in the same order, with
 * the same measurements as unpacking every job file and sorting them.
 */
import {
  BlobSplitter,
  GitHistoryBuilder,
  decodeJobFile,
  decodePack,
  encodeJobFile,
  encodePack,
  jobPath,
  pushMeasurements,
  storedJobOf,
  unpackJobFiles,
  type DecodedPack,
  type GitJobFile,
  type StoreHistory,
  type StoredMeasurement
} from '../../../src/metrics/index.js'
import { StoreError } from '../../../src/core/index.js'
import { DAY, T0, dispatchJob } from '../../helpers/metrics.js'
import { thrown } from '../../helpers/thrown.js'

/** `cat-file --batch` output for `blobs`. */
function batch(blobs: Buffer[]): Buffer {
  return Buffer.concat(
    blobs.flatMap((b, i) => [
      Buffer.from(`${String(i).padStart(40, '0')} blob ${b.length}\n`),
      b,
      Buffer.from('\n')
    ])
  )
}

function split(out: Buffer, size: number): Buffer[] {
  const got: Buffer[] = []
  const splitter = new BlobSplitter((b, i) => {
    expect(i).toBe(got.length)
    got.push(Buffer.from(b))
  })
  for (let at = 0; at < out.length; at += size)
    splitter.push(out.subarray(at, at + size))
  expect(splitter.count).toBe(got.length)
  return got
}

/** A job file as git holds it. */
function file(
  id: string,
  values: Record<string, number>,
  options: Parameters<typeof dispatchJob>[2] & { ids?: string[] } = {}
): GitJobFile {
  const d = dispatchJob(id, values, options)
  d.job.measurements.forEach((m, i) => {
    if (options.ids !== undefined) m.identifier = options.ids[i] ?? ''
  })
  return decodeJobFile(encodeJobFile(d), jobPath(d))
}

/** A pack as read, and the job files it was made of (in its order). */
interface Packed {
  pack: DecodedPack
  files: GitJobFile[]
}

function pack(month: string, files: GitJobFile[]): Packed {
  return {
    pack: decodePack(encodePack('main', month, files), `${month}.pack`),
    files
  }
}

/** The history of the job files themselves, sorted. */
function reference(
  read: (Packed | GitJobFile)[],
  since?: number
): StoreHistory {
  const files = read.flatMap((r) => ('format' in r ? [r] : r.files))
  files.sort((a, b) => a.createdAt - b.createdAt)
  const jobs = []
  const measurements: StoredMeasurement[] = []
  const seen = new Set<string>()
  for (const f of files) {
    if (since !== undefined && f.createdAt < since) continue
    if (seen.has(f.jobId)) continue
    seen.add(f.jobId)
    pushMeasurements(f, jobs.length, measurements)
    jobs.push(storedJobOf(f))
  }
  return { path: 'p', jobs, measurements }
}

function built(read: (Packed | GitJobFile)[], since?: number): StoreHistory {
  const history = new GitHistoryBuilder()
  for (const r of read) {
    if ('format' in r) history.addFile(r)
    else history.addPack(r.pack)
  }
  return history.build('p', since)
}

describe("the git store's history read", () => {
  it('splits cat-file output into its blobs wherever the chunks end', () => {
    const blobs = [
      Buffer.from('{"a":1}'),
      Buffer.alloc(0),
      Buffer.from('x\n\0y'),
      Buffer.alloc(300, 7)
    ]
    const out = batch(blobs)
    for (const size of [1, 2, 7, 45, 46, 60, 64, 301, out.length])
      expect(split(out, size)).toEqual(blobs)
  })

  it('fails on an object git does not have', () => {
    const splitter = new BlobSplitter(() => undefined)
    const error = thrown(() => {
      splitter.push(Buffer.from(`${'0'.repeat(40)} missing\n`))
    })
    expect(error).toBeInstanceOf(StoreError)
    expect((error as Error).message).toContain('missing')
  })

  it('makes the same history as unpacking every job: order, duplicates, no values, identifiers', () => {
    const january = [
      file('a', { 'pkg.x': 1.5, 'pkg.y': NaN }, { time: T0, ids: ['', ''] }),
      file('b', { 'pkg.x': 0.25, 'pkg.y': 2 }, { time: T0 + DAY }),
      file('c', { 'pkg.x': 3 }, { time: T0 + DAY, ids: ['two\nlines'] }),
      file('d', {}, { time: T0 + 2 * DAY }),
      file(
        'e',
        { 'pkg.x': 4, 'pkg.y': 5 },
        { time: T0 + 3 * DAY, ids: ['', 'é'] }
      )
    ]
    const february = [
      file(
        'f',
        { 'pkg.x': 6, 'pkg.y': 6.5 },
        { time: T0 + 40 * DAY, ids: ['', 'z'] }
      ),
      file('g', { 'pkg.y': 7 }, { time: T0 + 41 * DAY, series: 'pr/1' })
    ]
    const read = [
      pack('2026-01', january),
      // A job written beside its pack (a write racing the pack): once.
      january[1] as GitJobFile,
      // A late job for a packed month, and one of another series between.
      file('late', { 'pkg.x': 8 }, { time: T0 + 2 * DAY }),
      pack('2026-02', february),
      file('h', { 'pkg.z': 9 }, { time: T0 + 40 * DAY + 1 })
    ]
    const history = built(read)
    expect(history).toEqual(reference(read))
    expect(history.jobs.map((j) => j.jobId)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'late',
      'e',
      'f',
      'h',
      'g'
    ])
    expect(history.measurements.slice(0, 5)).toEqual([
      { job: 0, metric: 'pkg.x', identifier: '', value: 1.5, unit: 'mmag' },
      { job: 0, metric: 'pkg.y', identifier: '', value: null, unit: 'mmag' },
      { job: 1, metric: 'pkg.x', identifier: 'b-0', value: 0.25, unit: 'mmag' },
      { job: 1, metric: 'pkg.y', identifier: 'b-1', value: 2, unit: 'mmag' },
      {
        job: 2,
        metric: 'pkg.x',
        identifier: 'two\nlines',
        value: 3,
        unit: 'mmag'
      }
    ])
    expect(built(read, T0 + 2 * DAY)).toEqual(reference(read, T0 + 2 * DAY))
    // Unpacked, the packs give back the job files they were made of.
    const packs = read.filter((r): r is Packed => !('format' in r))
    for (const p of packs) expect(unpackJobFiles(p.pack)).toEqual(p.files)
  })
})
