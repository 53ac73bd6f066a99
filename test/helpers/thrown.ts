/**
 * The error a call throws, so a test can assert on it unconditionally; a
 * call that does not throw fails the test.
 */
export function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected the call to throw, and it did not')
}

/** The reason a promise rejects with; a promise that resolves fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the promise to reject, and it resolved')
}
