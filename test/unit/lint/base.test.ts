import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InputError } from '../../../src/core/index.js'
import { resolveBase } from '../../../src/lint/index.js'

describe('resolveBase', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackci-base-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  const event = (payload: unknown): string => {
    const file = join(dir, 'event.json')
    writeFileSync(file, JSON.stringify(payload))
    return file
  }

  it('prefers an explicit base ref', async () => {
    await expect(
      resolveBase('origin/main', { GITHUB_EVENT_NAME: 'push' })
    ).resolves.toEqual({
      base: 'origin/main',
      reason: 'compared with origin/main'
    })
  })

  it("takes a pull request's base SHA from the event payload", async () => {
    const sha = 'a'.repeat(40)
    const choice = await resolveBase(undefined, {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event({
        pull_request: { base: { sha, ref: 'main' } }
      }),
      GITHUB_BASE_REF: 'main'
    })
    expect(choice.base).toBe(sha)
    expect(choice.reason).toContain('a pull_request event')
  })

  it('falls back to origin/<base ref> without a SHA', async () => {
    const choice = await resolveBase(undefined, {
      GITHUB_EVENT_NAME: 'pull_request_target',
      GITHUB_EVENT_PATH: event({}),
      GITHUB_BASE_REF: 'develop'
    })
    expect(choice.base).toBe('origin/develop')
  })

  it('reads merge queue and Jenkins change requests', async () => {
    await expect(
      resolveBase(undefined, {
        GITHUB_EVENT_NAME: 'merge_group',
        GITHUB_EVENT_PATH: event({ merge_group: { base_sha: 'b'.repeat(40) } })
      })
    ).resolves.toMatchObject({ base: 'b'.repeat(40) })
    await expect(
      resolveBase(undefined, { CHANGE_TARGET: 'main' })
    ).resolves.toMatchObject({
      base: 'origin/main'
    })
  })

  it('reports everything on a push', async () => {
    const choice = await resolveBase(undefined, { GITHUB_EVENT_NAME: 'push' })
    expect(choice.base).toBeUndefined()
    expect(choice.reason).toBe(
      'a push event has no base: every finding is reported'
    )
  })

  it('fails clearly on an unreadable event payload', async () => {
    const file = join(dir, 'bad.json')
    writeFileSync(file, '{ not json')
    await expect(
      resolveBase(undefined, {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: file
      })
    ).rejects.toThrow(InputError)
  })
})
