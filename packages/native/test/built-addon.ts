/** The addon as the entry tests load it, the float array types they cover and the thread counts they compare. */
import { createRequire } from 'node:module';

export interface ThreadControl {
  setNumThreads(n: number): void;
  getNumThreads(): number;
}

/** @kindling/native's build, with the entries the caller expects (each may be absent), or null and why. */
export function builtAddon<Entries>(): { addon: (Partial<Entries> & ThreadControl) | null; reason: string } {
  const loaded = createRequire(import.meta.url)('../index.cjs') as { addon: unknown; reason: string | null };
  return {
    addon: loaded.addon as (Partial<Entries> & ThreadControl) | null,
    reason: loaded.reason ?? 'the addon is not built',
  };
}

export const FLOAT_TYPES = [
  ['float32', Float32Array],
  ['float64', Float64Array],
] as const;

/** One thread, two, an odd count and more threads than cores: results must not change between them. */
export const THREAD_COUNTS = [1, 2, 3, 7];
