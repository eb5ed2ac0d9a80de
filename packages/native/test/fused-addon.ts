/**
 * The native fused kernels (optim.c, norm.c, layer-norm.c) as their tests load them, with their TypeScript references
 * (core's kernels/optim.ts, kernels/norm.ts and kernels/layer-norm.ts, same signatures); the inputs the tests draw, the comparisons they make, and
 * the combinations of options and the broken argument lists they go through.
 */
import { expect } from 'vitest';
import type * as layerNorm from '../../core/src/kernels/layer-norm.js';
import type * as norm from '../../core/src/kernels/norm.js';
import type * as optim from '../../core/src/kernels/optim.js';
import { firstDifference } from '../../core/test/helpers/same-values.js';
import { FLOAT_TYPES, addonWith } from './built-addon.js';

export type FloatArray = Float32Array | Float64Array;
export type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

type FusedEntries = Pick<typeof optim, 'sgdUpdate' | 'adamUpdate' | 'adadeltaUpdate'> &
  Pick<typeof norm, 'batchNormForward' | 'batchNormBackward'> &
  Pick<typeof layerNorm, 'layerNormForward' | 'layerNormBackward'>;

export const { addon: native, reason } = addonWith<FusedEntries>(
  [
    'sgdUpdate',
    'adamUpdate',
    'adadeltaUpdate',
    'batchNormForward',
    'batchNormBackward',
    'layerNormForward',
    'layerNormBackward',
  ],
  'norm and optim families',
);
if (!native) console.warn(`native fused kernel tests skipped: ${reason}`);

/** The thread counts each case runs on. */
export const THREADS = [1, 2];

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-40, 3e38, -1e-310];

/** Values around `offset` of size `scale`, with a sprinkling of NaN, infinities, zeros and subnormals when `specials`. */
export function fill(T: FloatCtor, n: number, rand: () => number, specials = false, scale = 1, offset = 0): FloatArray {
  const a = new T(n);
  for (let i = 0; i < n; i++) a[i] = offset + scale * (rand() + rand() + rand() - 1.5) * (rand() < 0.01 ? 100 : 1);
  if (specials) for (let i = 0; i < n; i++) if (rand() < 0.01) a[i] = SPECIALS[Math.floor(rand() * SPECIALS.length)];
  return a;
}

export function copy<T extends FloatArray | null>(a: T): T {
  return (a === null ? null : a.slice()) as T;
}

export function expectBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(firstDifference(actual, expected), what).toBeNull();
}

/** Norm results are the same double arithmetic in the same order; exactness is asserted where the build is x86-64 SSE2. */
const EXACT_NORMS = process.arch === 'x64';

/** Bit for bit where EXACT_NORMS, else within a few ulps of the larger magnitudes (NaN where NaN). */
export function expectNorm(actual: FloatArray, expected: FloatArray, what: string): void {
  if (EXACT_NORMS) return expectBits(actual, expected, what);
  const eps = actual instanceof Float32Array ? 2 ** -23 : 2 ** -52;
  let scale = 0;
  for (let i = 0; i < expected.length; i++)
    if (Number.isFinite(expected[i])) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Number.isNaN(e)
      ? Number.isNaN(a)
      : !Number.isFinite(e)
        ? a === e
        : Math.abs(a - e) <= 64 * eps * (Math.abs(e) + scale * 1e-3);
    if (!ok) expect.fail(`${what}: index ${i}: ${a} vs ${e}`);
  }
}

/**
 * Every combination of the options' values, in the order nested loops over them would take, the first option
 * the outermost.
 */
export function* combinations<Options extends Record<string, readonly unknown[]>>(
  options: Options,
): Generator<{ [K in keyof Options]: Options[K][number] }> {
  const keys = Object.keys(options);
  function* from(k: number, chosen: Record<string, unknown>): Generator<Record<string, unknown>> {
    if (k === keys.length) yield { ...chosen };
    else for (const value of options[keys[k]]) yield* from(k + 1, { ...chosen, [keys[k]]: value });
  }
  yield* from(0, {}) as Generator<{ [K in keyof Options]: Options[K][number] }>;
}

/**
 * The cases the fused kernels' tests sweep, in this order (which their seeds follow): each float type, each size
 * (or shape), each thread count, then every combination of `options`.
 */
export function sweep<Size, Options extends Record<string, readonly unknown[]>>(
  sizes: readonly Size[],
  options: Options,
) {
  return combinations({ type: FLOAT_TYPES, size: sizes, threads: THREADS, ...options });
}

/** A copy of an argument list with the one at `index` replaced: a valid call broken in one place. */
export function withArgument(args: readonly unknown[], index: number, value: unknown): unknown[] {
  return args.map((arg, i) => (i === index ? value : arg));
}
