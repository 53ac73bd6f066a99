/**
 * Reading the engine's JSON message streams (build, push, pull): one JSON
 * object per message, split across chunks at any byte. The build reader
 * tracks `Step N/M` progress, the image id and the last log lines; the
 * error it raises names the failing step and its Dockerfile line.
 */

import { DockerError, type Where } from '../core/errors.js'
import { instructionOfStep, type Instruction } from './dockerfile.js'

/** ANSI colour (SGR) sequences. */
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g

/** One message of the engine's JSON stream. */
export interface EngineMessage {
  stream?: string
  status?: string
  id?: string
  progress?: string
  progressDetail?: { current?: number; total?: number }
  aux?: { ID?: string; Tag?: string; Digest?: string; Size?: number }
  error?: string
  errorDetail?: { code?: number; message?: string }
}

/** Splits a byte stream into JSON messages (newline or back-to-back). */
export async function* engineMessages(
  stream: AsyncIterable<Buffer | string> | NodeJS.ReadableStream
): AsyncGenerator<EngineMessage> {
  let pending = ''
  for await (const chunk of stream) {
    pending += chunk.toString()
    let newline: number
    while ((newline = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, newline).trim()
      pending = pending.slice(newline + 1)
      if (line !== '') yield parse(line)
    }
  }
  if (pending.trim() !== '') yield parse(pending.trim())
}

function parse(line: string): EngineMessage {
  try {
    return JSON.parse(line) as EngineMessage
  } catch {
    // Old engines interleave plain text; keep it as log output.
    return { stream: `${line}\n` }
  }
}

/** The error text of a message, if it reports one. */
export function messageError(message: EngineMessage): string | undefined {
  return message.errorDetail?.message ?? message.error
}

/** A failed build: which step, where in the Dockerfile, what it printed. */
export class BuildStepError extends DockerError {
  constructor(
    message: string,
    readonly step: { index: number; total: number } | undefined,
    readonly instruction: Instruction | undefined,
    readonly logTail: string[],
    where: Where | undefined
  ) {
    super(message, {
      ...(where === undefined ? {} : { where }),
      hint:
        logTail.length === 0
          ? 'the engine printed nothing before failing'
          : `the last lines of the build log:\n${logTail.map((l) => `  | ${l}`).join('\n')}`
    })
  }
}

const STEP = /^Step (\d+)\/(\d+) : (.*)$/
const LOG_TAIL = 20

export interface BuildLogEvents {
  /** A new step started. */
  onStep?: (index: number, total: number, text: string) => void
  /** A complete log line (steps included). */
  onLine?: (line: string) => void
}

/** Follows one build's message stream. */
export class BuildLog {
  imageId: string | undefined
  step: { index: number; total: number; text: string } | undefined
  readonly tail: string[] = []
  error: { message: string; code?: number } | undefined
  #partial = ''

  constructor(readonly events: BuildLogEvents = {}) {}

  add(message: EngineMessage): void {
    const error = messageError(message)
    if (error !== undefined) {
      this.error = {
        message: error.trim(),
        ...(message.errorDetail?.code === undefined
          ? {}
          : { code: message.errorDetail.code })
      }
      return
    }
    if (message.aux?.ID !== undefined) this.imageId = message.aux.ID
    if (message.stream !== undefined) this.#text(message.stream)
    else if (message.status !== undefined && message.progress === undefined) {
      this.#line(
        `${message.id === undefined ? '' : `${message.id}: `}${message.status}`
      )
    }
  }

  /** Flushes a last line that had no newline. */
  end(): void {
    if (this.#partial !== '') this.#line(this.#partial)
    this.#partial = ''
  }

  #text(text: string): void {
    // The classic builder wraps a RUN step's stderr in red (ESC[91m …
    // ESC[0m), chunk by chunk: colour codes would split lines and the tail.
    const plain = text.replace(SGR, '')
    const parts = (this.#partial + plain).split('\n')
    this.#partial = parts.pop() ?? ''
    for (const part of parts) this.#line(part.replace(/\r$/, ''))
  }

  #line(line: string): void {
    const step = STEP.exec(line)
    if (step !== null) {
      this.step = {
        index: Number(step[1]),
        total: Number(step[2]),
        text: step[3] ?? ''
      }
      this.events.onStep?.(this.step.index, this.step.total, this.step.text)
    }
    this.tail.push(line)
    if (this.tail.length > LOG_TAIL) this.tail.shift()
    this.events.onLine?.(line)
  }

  /** The typed error for a failed build, with the step and its line. */
  failure(dockerfile: string, steps: Instruction[]): BuildStepError {
    this.end()
    const message = this.error?.message ?? 'the build stopped without an image'
    const parseLine = /Dockerfile parse error line (\d+)/i.exec(message)
    if (this.step === undefined) {
      const line =
        parseLine?.[1] === undefined ? undefined : Number(parseLine[1])
      return new BuildStepError(
        `docker build failed before its first step: ${message}`,
        undefined,
        undefined,
        this.tail,
        line === undefined ? { file: dockerfile } : { file: dockerfile, line }
      )
    }
    const { index, total, text } = this.step
    const instruction = instructionOfStep(steps, index, text)
    const shown = (instruction?.text ?? text).replace(/\s+/g, ' ')
    return new BuildStepError(
      `docker build step ${index}/${total} \`${truncate(shown)}\` failed: ${message}`,
      { index, total },
      instruction,
      this.tail,
      instruction === undefined
        ? { file: dockerfile }
        : { file: dockerfile, line: instruction.line }
    )
  }
}

function truncate(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
