/**
 * `make` called at most once, on first use: a client or engine a run may
 * never need (the SDK loaded, the connection made, only when it is).
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined
  return async () => (made ??= make())
}
