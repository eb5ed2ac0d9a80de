/**
 * The safetensors file format, byte for byte, with no dependency on Node: what the writer (safetensors-write.ts)
 * and the reader (safetensors-read.ts) share.
 *
 * Layout: an 8-byte little-endian u64 N, then N bytes of UTF-8 JSON (padded with spaces to a multiple of 8),
 * then the raw little-endian tensor data. The JSON maps each tensor name to
 * `{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}` (offsets relative to the start of the
 * data) and may hold `"__metadata__": {string: string}`.
 *
 * Writing keeps the caller's order of names (the reference writer sorts by dtype alignment, then name);
 * reading accepts any order, as long as the tensors tile the data exactly, without gaps or overlaps.
 */

import type { DType } from './dtype.js';

/** A tensor as stored in a file: dtype, shape and contiguous row-major data in Kindling's storage types. */
export interface RawTensor {
  dtype: DType;
  shape: number[];
  /** float32: Float32Array; float64 and int64 (exact integers): Float64Array; int32: Int32Array; bool: Uint8Array of 0/1. */
  data: Float32Array | Float64Array | Int32Array | Uint8Array;
}

/** Raised for malformed files and for tensors that cannot be written; mirrors Python's `SafetensorError`. */
export class SafetensorError extends Error {
  override name = 'SafetensorError';
}

/** Each dtype's name in a file's header. */
export const FILE_DTYPE: Readonly<Record<DType, string>> = {
  float32: 'F32',
  float64: 'F64',
  int32: 'I32',
  int64: 'I64',
  bool: 'BOOL',
};

/** The dtype a header's dtype name stands for, or undefined for one Kindling does not read. */
export function dtypeOfFileDType(name: string): DType | undefined {
  return (Object.keys(FILE_DTYPE) as DType[]).find((dtype) => FILE_DTYPE[dtype] === name);
}

export const METADATA_KEY = '__metadata__';

export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The UTF-8 codecs every browser and Node provide, typed locally so no DOM or Node typings are needed. */
export interface Utf8Globals {
  TextEncoder: new () => { encode(input: string): Uint8Array };
  TextDecoder: new (label: string, options: { fatal: boolean }) => { decode(input: Uint8Array): string };
}
export const utf8 = globalThis as unknown as Utf8Globals;

export function quote(name: string): string {
  return `'${name}'`;
}

export function isShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
}

/** Throws unless tensor `name`'s shape is a list of non-negative integers. */
export function checkShape(name: string, shape: unknown): asserts shape is number[] {
  if (!isShape(shape)) {
    throw new SafetensorError(
      `tensor ${quote(name)} has an invalid shape ${shapeText(shape)}: expected a list of non-negative integers`,
    );
  }
}

/** The element count of a valid shape, or Infinity when it does not fit a safe integer. */
export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return Number.isSafeInteger(n) ? n : Infinity;
}

export function shapeText(shape: unknown): string {
  return JSON.stringify(shape) ?? String(shape);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own enumerable property, so a name such as `__proto__` stays a key and never touches the prototype. */
export function defineEntry<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function checkMetadata(metadata: unknown, where: string): Record<string, string> {
  if (!isPlainRecord(metadata))
    throw new SafetensorError(`${where} must be an object of strings, got ${describe(metadata)}`);
  const out: Record<string, string> = {};
  for (const key of Object.keys(metadata)) {
    const value = metadata[key];
    if (typeof value !== 'string') {
      throw new SafetensorError(`${where} must map strings to strings, but key ${quote(key)} holds ${describe(value)}`);
    }
    defineEntry(out, key, value);
  }
  return out;
}
