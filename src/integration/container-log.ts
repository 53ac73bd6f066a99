/**
 * A container's output as lines: the engine's multiplexed attach stream
 * (8-byte frame headers, stdout and stderr interleaved) taken apart, each
 * stream decoded as UTF-8 across chunk boundaries and cut into lines, the
 * last few kept for the failure message.
 */

import { StringDecoder } from 'node:string_decoder'

export type StreamName = 'stdout' | 'stderr'

/** Longer lines are cut here, so binary output cannot eat the memory. */
const MAX_LINE = 16 * 1024

/** Lines out of a byte stream, with a tail of the last `tailSize`. */
export class LineCollector {
  readonly #onLine: (line: string, stream: StreamName) => void
  readonly #tailSize: number
  readonly #tail: string[] = []
  readonly #partial = { stdout: '', stderr: '' }
  readonly #decoders = {
    stdout: new StringDecoder('utf8'),
    stderr: new StringDecoder('utf8')
  }
  lines = 0

  constructor(
    onLine: (line: string, stream: StreamName) => void,
    tailSize = 20
  ) {
    this.#onLine = onLine
    this.#tailSize = tailSize
  }

  write(stream: StreamName, chunk: Buffer): void {
    const text = this.#partial[stream] + this.#decoders[stream].write(chunk)
    const parts = text.split('\n')
    let rest = parts.pop() ?? ''
    for (const line of parts) this.#emit(line, stream)
    while (rest.length > MAX_LINE) {
      this.#emit(rest.slice(0, MAX_LINE), stream)
      rest = rest.slice(MAX_LINE)
    }
    this.#partial[stream] = rest
  }

  /** Flushes unterminated last lines. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.#partial[stream] + this.#decoders[stream].end()
      this.#partial[stream] = ''
      if (rest !== '') this.#emit(rest, stream)
    }
  }

  /** The last lines seen (both streams, in order). */
  tail(): string[] {
    return [...this.#tail]
  }

  #emit(raw: string, stream: StreamName): void {
    const line = raw.replace(/\r$/, '')
    this.lines++
    this.#tail.push(line)
    if (this.#tail.length > this.#tailSize) this.#tail.shift()
    this.#onLine(line, stream)
  }
}

/**
 * Splits the engine's multiplexed stream (`[type, 0, 0, 0, size32be]`
 * then `size` bytes; type 1 stdout, 2 stderr) into `sink`, whatever the
 * chunking. Frames of other types (stdin echo) are dropped.
 */
export class Demuxer {
  #buffer: Buffer = Buffer.alloc(0)

  constructor(readonly sink: LineCollector) {}

  write(chunk: Buffer): void {
    this.#buffer =
      this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk])
    while (this.#buffer.length >= 8) {
      const size = this.#buffer.readUInt32BE(4)
      if (this.#buffer.length < 8 + size) break
      const type = this.#buffer[0]
      const payload = this.#buffer.subarray(8, 8 + size)
      if (type === 1) this.sink.write('stdout', payload)
      else if (type === 2) this.sink.write('stderr', payload)
      this.#buffer = this.#buffer.subarray(8 + size)
    }
  }
}
