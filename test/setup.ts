import { afterEach, jest } from '@jest/globals'

/**
 * Runs before every unit test file. Every test gets a clean copy of
 * process.env back afterwards, so a test that sets INPUT_* or GITHUB_*
 * variables cannot leak them into the next.
 */
const savedEnv = { ...process.env }

jest.setTimeout(30_000)

afterEach(() => {
  for (const key of Object.keys(process.env)) {
    if (!(key in savedEnv)) Reflect.deleteProperty(process.env, key)
  }
  Object.assign(process.env, savedEnv)
})
