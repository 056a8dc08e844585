import type { Validity } from './validity.js';

/**
 * Tries `once` until a try is valid, at most `1 + retries` times; returns every try,
 * the invalid ones included, so they can be reported (never quoted).
 */
export async function untilValid<T extends { validity: Validity }>(retries: number, once: (attempt: number) => Promise<T>): Promise<T[]> {
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError('retries must be an integer >= 0');
  const tries: T[] = [];
  for (let attempt = 1; attempt <= 1 + retries; attempt += 1) {
    const result = await once(attempt);
    tries.push(result);
    if (result.validity.valid) break;
  }
  return tries;
}
