// Reading safetensors: a file PyTorch wrote decodes to exactly its tensors, input views at any byte offset decode
// into fresh arrays, and what the reader accepts that the writer never produces (any order, unpadded headers, a
// null __metadata__), with I64 read exactly up to 2^53.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DType } from '../src/dtype.js';
import { readFileBytes } from '../src/node-fs.js';
import { decodeSafetensors } from '../src/safetensors-read.js';
import { encodeSafetensors } from '../src/safetensors-write.js';
import { F32_PAIR, SAMPLE, expectSafetensorError, fileWith } from './helpers/safetensors-bytes.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/torch-written.safetensors', import.meta.url));
const FIXTURE_JSON = fileURLToPath(new URL('./fixtures/torch-written.json', import.meta.url));

type JsonValue = number | boolean | string | JsonValue[];

interface ExpectedFile {
  metadata: Record<string, string>;
  header_order: string[];
  tensors: Record<string, { dtype: DType; shape: number[]; values: JsonValue }>;
}

/** Flattens tolist() output into storage values; "nan"/"inf"/"-inf" stand for non-finite floats. */
function flatten(values: JsonValue): number[] {
  if (Array.isArray(values)) return values.flatMap(flatten);
  if (typeof values === 'boolean') return [values ? 1 : 0];
  if (typeof values === 'string') return [{ nan: NaN, inf: Infinity, '-inf': -Infinity }[values] ?? NaN];
  return [values];
}

describe('reading a file written from PyTorch', () => {
  const expected = JSON.parse(readFileSync(FIXTURE_JSON, 'utf8')) as ExpectedFile;

  it('matches the tensors torch wrote, exactly', () => {
    const { tensors, metadata } = decodeSafetensors(readFileBytes(FIXTURE));
    expect(metadata).toEqual(expected.metadata);
    expect(Object.keys(tensors)).toEqual(expected.header_order);
    expect(new Set(Object.keys(tensors))).toEqual(new Set(Object.keys(expected.tensors)));
    for (const [name, want] of Object.entries(expected.tensors)) {
      const got = tensors[name];
      expect(got.dtype, name).toBe(want.dtype);
      expect(got.shape, name).toEqual(want.shape);
      const values = flatten(want.values);
      expect(got.data.length, name).toBe(values.length);
      const mismatches = Array.from(got.data)
        .map((v, i) => [i, v, values[i]] as const)
        .filter(([, v, w]) => !Object.is(v, w));
      expect(mismatches, name).toEqual([]);
    }
  });

  it('reads the file through a Node Buffer as well', () => {
    const { tensors } = decodeSafetensors(readFileSync(FIXTURE));
    expect(Array.from(tensors.int64.data)).toEqual([-3, 0, 2 ** 40, -(2 ** 53), 2 ** 53, 12345678901]);
  });

  it('re-encodes the fixture into a file that decodes to the same tensors', () => {
    const first = decodeSafetensors(readFileBytes(FIXTURE));
    const second = decodeSafetensors(encodeSafetensors(first.tensors, first.metadata));
    expect(second).toEqual(first);
  });
});

describe('input views and aliasing', () => {
  it('honours the byteOffset of the input view (odd offset, misaligned F64 data)', () => {
    const bytes = encodeSafetensors(SAMPLE);
    for (const offset of [1, 3, 5, 7]) {
      const big = new Uint8Array(bytes.length + 16).fill(0xab);
      big.set(bytes, offset);
      const view = big.subarray(offset, offset + bytes.length);
      const { tensors } = decodeSafetensors(view);
      expect(Array.from(tensors.f64.data)).toEqual(Array.from(SAMPLE.f64.data));
      expect(Array.from(tensors.i64.data)).toEqual(Array.from(SAMPLE.i64.data));
      expect(Array.from(tensors.i32.data)).toEqual(Array.from(SAMPLE.i32.data));
      for (const t of Object.values(tensors)) expect(t.data.buffer).not.toBe(big.buffer);
    }
  });

  it('returns data that does not alias the input bytes', () => {
    const bytes = encodeSafetensors({ x: { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) } });
    const { tensors } = decodeSafetensors(bytes);
    bytes.fill(0);
    expect(Array.from(tensors.x.data)).toEqual([1, 2]);
    expect(tensors.x.data.buffer.byteLength).toBe(8);
  });
});

describe('validation when reading', () => {
  it('accepts tensors listed in any order, including empty tensors sharing an offset', () => {
    const bytes = fileWith(
      {
        b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        e: { dtype: 'F64', shape: [0], data_offsets: [4, 4] },
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      },
      F32_PAIR,
    );
    const { tensors } = decodeSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(['b', 'e', 'a']);
    expect(Array.from(tensors.a.data)).toEqual([1]);
    expect(Array.from(tensors.b.data)).toEqual([2]);
    expect(tensors.e.data).toEqual(new Float64Array(0));
  });

  it('accepts a header with an unpadded length and a null __metadata__', () => {
    const { tensors, metadata } = decodeSafetensors(
      fileWith({ __metadata__: null, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, F32_PAIR),
    );
    expect(metadata).toEqual({});
    expect(Array.from(tensors.a.data)).toEqual([1, 2]);
  });

  it('reads I64 values up to 2^53 in magnitude and refuses larger ones', () => {
    const i64 = (values: bigint[]): Uint8Array => {
      const data = new Uint8Array(new BigInt64Array(values).buffer);
      return fileWith({ big: { dtype: 'I64', shape: [values.length], data_offsets: [0, data.length] } }, data);
    };
    expect(Array.from(decodeSafetensors(i64([2n ** 53n, -(2n ** 53n), -1n])).tensors.big.data)).toEqual([
      2 ** 53,
      -(2 ** 53),
      -1,
    ]);
    for (const v of [2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)]) {
      expectSafetensorError(
        () => decodeSafetensors(i64([0n, v])),
        `cannot read I64 tensor 'big': element 1 is ${v}, beyond 2^53 in magnitude, so it cannot be represented exactly`,
      );
    }
  });
});
