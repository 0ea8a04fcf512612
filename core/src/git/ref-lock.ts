// In-process serialisation of writers to one ref. Cross-process safety comes from the CAS in
// `updateRefs`; this only stops writers in the same process from wasting work racing each other.

const tails = new Map<string, Promise<unknown>>();

export async function withRefLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
