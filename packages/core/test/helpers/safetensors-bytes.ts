/**
 * What the safetensors tests share: a sample of every dtype and edge shape, raw file bytes built around any header
 * text (so that a test can write what the encoder never would), and the check that a call fails with a
 * SafetensorError.
 */
import { expect } from 'vitest';
import { type RawTensor, SafetensorError } from '../../src/safetensors-format.js';

/** Every dtype, NaN, ±Infinity, -0, subnormals, int extremes, 0-d and empty tensors. */
export const SAMPLE: Record<string, RawTensor> = {
  f32: { dtype: 'float32', shape: [2, 3], data: new Float32Array([1.5, -0, NaN, Infinity, -Infinity, 1e-45]) },
  f64: { dtype: 'float64', shape: [5], data: new Float64Array([0.1, -2.5, 1e300, 5e-324, -0]) },
  i32: { dtype: 'int32', shape: [2, 2], data: new Int32Array([-(2 ** 31), -1, 0, 2 ** 31 - 1]) },
  i64: { dtype: 'int64', shape: [3, 2], data: new Float64Array([-3, 0, 2 ** 40, -(2 ** 53), 2 ** 53, 12345678901]) },
  mask: { dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) },
  scalar: { dtype: 'float32', shape: [], data: new Float32Array([3.5]) },
  scalarInt: { dtype: 'int64', shape: [], data: new Float64Array([-7]) },
  empty: { dtype: 'float32', shape: [0, 3], data: new Float32Array(0) },
};

/** Bytes of a safetensors file with this header text and data (the header length computed unless given). */
export function fileWith(
  header: string | object,
  data: Uint8Array = new Uint8Array(0),
  declaredLength?: bigint,
): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** The data section of most hand-made files: two float32 values, 1 and 2, in 8 bytes. */
export const F32_PAIR = new Uint8Array(new Float32Array([1, 2]).buffer);

export function expectSafetensorError(fn: () => unknown, message: string | RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(SafetensorError);
  if (typeof message === 'string') expect((caught as Error).message).toContain(message);
  else expect((caught as Error).message).toMatch(message);
}
