/**
 * The output of `git cat-file --batch` read as it arrives: each blob is
 * handed on when its last byte is in, so a long history is decoded while
 * git is still writing the rest, and no copy of the whole output is made
 * (a blob inside one pipe chunk is a view of it).
 */

import { StoreError } from '../core/errors.js'

/** Splits `cat-file --batch` output (`<oid> <type> <size>\n<bytes>\n`…). */
export class BlobSplitter {
  #count = 0
  /** A header line split across chunks. */
  #head: Buffer[] = []
  /** The blob being filled (with its closing newline), and how far. */
  #body?: Buffer
  #filled = 0

  constructor(private readonly each: (blob: Buffer, i: number) => void) {}

  /** How many blobs were handed on. */
  get count(): number {
    return this.#count
  }

  /** Takes the next chunk of output. */
  push(chunk: Buffer): void {
    let at = 0
    while (at < chunk.length) {
      if (this.#body === undefined) {
        const eol = chunk.indexOf(10, at)
        if (eol === -1) {
          this.#head.push(chunk.subarray(at))
          return
        }
        const header = Buffer.concat([...this.#head, chunk.subarray(at, eol)])
        this.#head = []
        const size = Number(header.toString('latin1').split(' ')[2])
        if (!Number.isInteger(size))
          throw new StoreError(`git cat-file: unexpected ${String(header)}`)
        at = eol + 1
        if (chunk.length - at > size) {
          this.each(chunk.subarray(at, at + size), this.#count++)
          at += size + 1
          continue
        }
        this.#body = Buffer.allocUnsafe(size + 1)
        this.#filled = 0
      }
      const n = chunk.copy(this.#body, this.#filled, at)
      this.#filled += n
      at += n
      if (this.#filled === this.#body.length) {
        this.each(this.#body.subarray(0, this.#filled - 1), this.#count++)
        this.#body = undefined
      }
    }
  }
}
