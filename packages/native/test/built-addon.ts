/** The addon as the entry tests load it, the float array types they cover and the thread counts they compare. */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, describe } from 'vitest';

export interface ThreadControl {
  setNumThreads(n: number): void;
  getNumThreads(): number;
}

export interface LoadedAddon<Addon> {
  addon: Addon | null;
  reason: string;
  /** The file loaded, for a child process to load again. */
  path: string;
}

const require = createRequire(import.meta.url);
/** A build elsewhere (build.mjs --out DIR) is tested by naming its file here. */
const OVERRIDE = 'KINDLING_NATIVE_ADDON';

/**
 * @kindling/native's build (or the file KINDLING_NATIVE_ADDON names), with the entries the caller expects (each may
 * be absent), or null and why.
 */
export function builtAddon<Entries>(): LoadedAddon<Partial<Entries> & ThreadControl> {
  const override = process.env[OVERRIDE];
  if (override) {
    try {
      return { addon: require(override) as Partial<Entries> & ThreadControl, reason: '', path: override };
    } catch (e) {
      const why = (e as Error).message.split('\n')[0];
      return { addon: null, reason: `${OVERRIDE}=${override} did not load: ${why}`, path: override };
    }
  }
  const loaded = require('../index.cjs') as { addon: unknown; reason: string | null };
  return {
    addon: loaded.addon as (Partial<Entries> & ThreadControl) | null,
    reason: loaded.reason ?? 'the addon is not built',
    path: fileURLToPath(new URL('../build/kindling.node', import.meta.url)),
  };
}

/**
 * The addon when it has every entry in `names`; else null, and why: it did not load, or it was built without
 * `families` (the C files that define those entries).
 */
export function addonWith<Entries>(
  names: readonly (keyof Entries & string)[],
  families: string,
): LoadedAddon<Entries & ThreadControl> {
  const { addon, reason, path } = builtAddon<Entries>();
  if (addon === null) return { addon, reason, path };
  if (names.every((name) => typeof addon[name] === 'function'))
    return { addon: addon as Entries & ThreadControl, reason: '', path };
  const which = process.env[OVERRIDE] ? `${OVERRIDE}=${path}` : 'the addon';
  return { addon: null, reason: `${which} was built without the ${families}`, path };
}

/**
 * `describe(title, body)`, the body given the addon; skipped where there is none. The body still runs then, to
 * list the tests it skips, so it calls the addon only inside them.
 */
export function describeAddon<Addon>(addon: Addon | null, title: string, body: (addon: Addon) => void): void {
  describe.skipIf(addon === null)(title, () => body(addon as Addon));
}

/** The addon's thread count now, put back after the file's tests (which may leave it anywhere). */
export function threadsRestoredAfterAll(addon: ThreadControl | null): number {
  const initial = addon?.getNumThreads() ?? 1;
  afterAll(() => addon?.setNumThreads(initial));
  return initial;
}

/** Runs `body` at each thread count in turn, then puts back the count there was. */
export function atThreadCounts(addon: ThreadControl, counts: readonly number[], body: (threads: number) => void): void {
  const before = addon.getNumThreads();
  try {
    for (const threads of counts) {
      addon.setNumThreads(threads);
      body(threads);
    }
  } finally {
    addon.setNumThreads(before);
  }
}

export const FLOAT_TYPES = [
  ['float32', Float32Array],
  ['float64', Float64Array],
] as const;

/** One thread, two, an odd count and more threads than cores: results must not change between them. */
export const THREAD_COUNTS = [1, 2, 3, 7];
