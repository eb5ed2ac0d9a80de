/**
 * The native convolution and pooling entries as their tests load them, the inputs they draw and the outputs they
 * hand in: views into larger buffers with guard elements on both sides, prefilled with garbage, so that a test
 * also sees an output that is not fully written or a write past either end.
 */
import { expect } from 'vitest';
import type { ConvGeometry } from '../../core/src/kernels/conv.js';
import type { PoolGeometry } from '../../core/src/kernels/pool.js';
import { fillSalted } from '../../core/test/helpers/same-values.js';
import { addonWith } from './built-addon.js';

export type FloatArray = Float32Array | Float64Array;
export type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;
export interface AvgMode {
  countIncludePad: boolean;
  divisorOverride: number;
}

/** An adaptive pooling entry's arguments: x into out forward, gy into gx backward. */
type AdaptiveArgs = [src: FloatArray, planes: number, H: number, W: number, OH: number, OW: number, dst: FloatArray];

export interface ConvPoolEntries {
  conv2dForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, g: ConvGeometry, out: FloatArray): void;
  conv2dBackwardInput(gy: FloatArray, w: FloatArray, g: ConvGeometry, gx: FloatArray): void;
  conv2dBackwardWeight(x: FloatArray, gy: FloatArray, g: ConvGeometry, gw: FloatArray): void;
  maxPool2dForward(x: FloatArray, g: PoolGeometry, out: FloatArray, indices: Float64Array | null): void;
  maxPool2dBackward(
    gy: FloatArray,
    indices: Float64Array,
    planes: number,
    HW: number,
    OHW: number,
    gx: FloatArray,
  ): void;
  avgPool2dForward(x: FloatArray, g: PoolGeometry, mode: AvgMode, out: FloatArray): void;
  avgPool2dBackward(gy: FloatArray, g: PoolGeometry, mode: AvgMode, gx: FloatArray): void;
  adaptiveAvgPool2dForward(...args: AdaptiveArgs): void;
  adaptiveAvgPool2dBackward(...args: AdaptiveArgs): void;
  adaptiveMaxPool2dForward(...args: [...AdaptiveArgs, indices: Float64Array | null]): void;
}

export const { addon: native, reason: whyNot } = addonWith<ConvPoolEntries>(
  [
    'conv2dForward',
    'conv2dBackwardInput',
    'conv2dBackwardWeight',
    'maxPool2dForward',
    'maxPool2dBackward',
    'avgPool2dForward',
    'avgPool2dBackward',
    'adaptiveAvgPool2dForward',
    'adaptiveAvgPool2dBackward',
    'adaptiveMaxPool2dForward',
  ],
  'conv/pool families',
);
if (native === null) console.warn(`@kindling/native conv/pool tests skipped: ${whyNot}`);

/** Each float type with the tolerance of a sum in another order than the reference's. */
export const DTYPES: { name: string; ctor: FloatCtor; rtol: number; atol: number }[] = [
  { name: 'float32', ctor: Float32Array, rtol: 2e-5, atol: 2e-5 },
  { name: 'float64', ctor: Float64Array, rtol: 1e-12, atol: 1e-12 },
];

/** n values uniform in [-1, 1) from `seed`. */
export function randomArray(ctor: FloatCtor, n: number, seed: number): FloatArray {
  return fillSalted(new ctor(n), seed, null, 0, 1);
}

export const GUARD = 7;
export const SENTINEL = -12345.5;

export interface GuardedOutput<T extends FloatArray> {
  a: T;
  /** Whether the guards on both sides still hold SENTINEL. */
  intact: () => boolean;
}

/** An n-element view with GUARD sentinel elements before and after it, the view prefilled with `fill`. */
export function guarded(ctor: Float64ArrayConstructor, n: number, fill?: number): GuardedOutput<Float64Array>;
export function guarded(ctor: FloatCtor, n: number, fill?: number): GuardedOutput<FloatArray>;
export function guarded(ctor: FloatCtor, n: number, fill = Number.NaN): GuardedOutput<FloatArray> {
  const whole = new ctor(n + 2 * GUARD).fill(SENTINEL);
  const a = new ctor(whole.buffer, GUARD * ctor.BYTES_PER_ELEMENT, n).fill(fill);
  const intact = (): boolean => {
    for (let i = 0; i < GUARD; i++) if (whole[i] !== SENTINEL || whole[n + GUARD + i] !== SENTINEL) return false;
    return true;
  };
  return { a, intact };
}

/** A fresh guarded output of n elements after `entry` has written it, once its guards are seen intact. */
export function intoGuarded(ctor: FloatCtor, n: number, entry: (out: FloatArray) => void, what: string): FloatArray {
  const out = guarded(ctor, n);
  entry(out.a);
  expect(out.intact(), `${what}: guards`).toBe(true);
  return out.a;
}
