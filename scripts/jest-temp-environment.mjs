// Jest's test environment (jest.config.js), for tests only.
/**
 * The tests' environment: Node's, with a temp directory of its own per
 * test file as TMPDIR (os.tmpdir() in the file and every process it
 * starts), removed when the file is done. Stores, repositories and
 * projects the tests make never pile up in /tmp however often the suite
 * runs. (Set here, outside the file's sandbox: the sandbox has a copy of
 * process.env that Node's os module does not read.)
 */
import { TestEnvironment } from 'jest-environment-node'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export default class TempDirEnvironment extends TestEnvironment {
  async setup() {
    await super.setup()
    this.outerTmp = process.env.TMPDIR
    this.dir = mkdtempSync(join(tmpdir(), 'stackci-test-'))
    process.env.TMPDIR = this.dir
    this.global.process.env.TMPDIR = this.dir
  }

  async teardown() {
    if (this.outerTmp === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = this.outerTmp
    try {
      rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 })
    } catch {
      // A file a leftover process still writes: the OS cleans /tmp later.
    }
    await super.teardown()
  }
}
