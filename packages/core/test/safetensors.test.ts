import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { DType } from '../src/dtype.js';
import { FileNotFoundError, IsADirectoryError, RuntimeError } from '../src/errors.js';
import { readFileBytes, writeFileBytesAtomic } from '../src/node-fs.js';
import { type RawTensor, SafetensorError } from '../src/safetensors-format.js';
import { decodeSafetensors } from '../src/safetensors-read.js';
import { encodeSafetensors } from '../src/safetensors-write.js';

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

/** Bytes of a safetensors file with this header text and data (the header length computed unless given). */
function fileWith(header: string | object, data: Uint8Array = new Uint8Array(0), declaredLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function headerOf(bytes: Uint8Array): { size: number; text: string } {
  const size = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { size, text: new TextDecoder().decode(bytes.subarray(8, 8 + size)) };
}

function expectSafetensorError(fn: () => unknown, message: string | RegExp): void {
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

const SAMPLE: Record<string, RawTensor> = {
  f32: { dtype: 'float32', shape: [2, 3], data: new Float32Array([1.5, -0, NaN, Infinity, -Infinity, 1e-45]) },
  f64: { dtype: 'float64', shape: [5], data: new Float64Array([0.1, -2.5, 1e300, 5e-324, -0]) },
  i32: { dtype: 'int32', shape: [2, 2], data: new Int32Array([-(2 ** 31), -1, 0, 2 ** 31 - 1]) },
  i64: { dtype: 'int64', shape: [3, 2], data: new Float64Array([-3, 0, 2 ** 40, -(2 ** 53), 2 ** 53, 12345678901]) },
  mask: { dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) },
  scalar: { dtype: 'float32', shape: [], data: new Float32Array([3.5]) },
  scalarInt: { dtype: 'int64', shape: [], data: new Float64Array([-7]) },
  empty: { dtype: 'float32', shape: [0, 3], data: new Float32Array(0) },
};

describe('encodeSafetensors / decodeSafetensors round trip', () => {
  it('round-trips all five dtypes, 0-d and empty tensors, with metadata', () => {
    const bytes = encodeSafetensors(SAMPLE, { format: 'pt', note: 'ünïcode ✓' });
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(Object.keys(SAMPLE));
    expect(metadata).toEqual({ format: 'pt', note: 'ünïcode ✓' });
    for (const [name, t] of Object.entries(SAMPLE)) {
      const got = tensors[name];
      expect(got.dtype).toBe(t.dtype);
      expect(got.shape).toEqual(t.shape);
      expect(got.data.constructor).toBe(t.data.constructor);
      // Object.is semantics: NaN matches NaN and -0 stays -0.
      expect(Array.from(got.data).every((v, i) => Object.is(v, t.data[i]))).toBe(true);
    }
  });

  it.each<[DType, RawTensor['data']]>([
    ['float32', new Float32Array(0)],
    ['float64', new Float64Array(0)],
    ['int32', new Int32Array(0)],
    ['int64', new Float64Array(0)],
    ['bool', new Uint8Array(0)],
  ])('round-trips an empty %s tensor and a 0-d one', (dtype, empty) => {
    const scalarData = new (empty.constructor as new (values: number[]) => RawTensor['data'])([1]);
    const input: Record<string, RawTensor> = {
      empty: { dtype, shape: [4, 0, 2], data: empty },
      zeroDim: { dtype, shape: [], data: scalarData },
    };
    const { tensors } = decodeSafetensors(encodeSafetensors(input));
    expect(tensors.empty).toEqual({ dtype, shape: [4, 0, 2], data: empty });
    expect(tensors.zeroDim.shape).toEqual([]);
    expect(Array.from(tensors.zeroDim.data)).toEqual([1]);
  });

  it('round-trips a file with no tensors and no metadata', () => {
    expect(decodeSafetensors(encodeSafetensors({}))).toEqual({ tensors: {}, metadata: {} });
  });

  it('torch.deserializeMetadata reads the metadata of serialized bytes ({} when there is none)', () => {
    const x = torch.tensor([1, 2], { dtype: 'float32' });
    expect(torch.deserializeMetadata(torch.serialize({ x }, { format: 'pt', body: '{"a": 1}' }))).toEqual({
      format: 'pt',
      body: '{"a": 1}',
    });
    expect(torch.deserializeMetadata(torch.serialize({ x }))).toEqual({});
  });

  it('writes bool as 0/1 bytes even when storage holds other nonzero values', () => {
    const bytes = encodeSafetensors({ b: { dtype: 'bool', shape: [3], data: new Uint8Array([0, 7, 255]) } });
    expect(Array.from(bytes.subarray(bytes.length - 3))).toEqual([0, 1, 1]);
  });

  it('encodes only the visible part of a typed-array view', () => {
    const backing = new Float32Array([9, 1, 2, 3, 9]);
    const view = backing.subarray(1, 4);
    const { tensors } = decodeSafetensors(encodeSafetensors({ v: { dtype: 'float32', shape: [3], data: view } }));
    expect(Array.from(tensors.v.data)).toEqual([1, 2, 3]);
  });
});

describe('byte layout', () => {
  it('matches the reference serializer byte for byte for one F32 tensor', () => {
    const bytes = encodeSafetensors({
      'attn.0': { dtype: 'float32', shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) },
    });
    expect(Array.from(bytes)).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34,
      70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95,
      111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0,
      64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });

  it('pads the header with spaces to a multiple of 8, like the reference serializer', () => {
    expect(Array.from(encodeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(Array.from(encodeSafetensors({}, { framework: 'pt' }))).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34, 102, 114,
      97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112, 116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
    for (const name of ['a', 'ab', 'abc', 'abcd', 'abcde', 'abcdef', 'abcdefg', 'abcdefgh']) {
      const bytes = encodeSafetensors({ [name]: { dtype: 'float64', shape: [1], data: new Float64Array([1]) } });
      const { size, text } = headerOf(bytes);
      expect(size % 8).toBe(0);
      expect(text).toMatch(/^\{.*\} *$/);
      expect(size - text.trimEnd().length).toBeLessThan(8);
    }
  });

  it("keeps the caller's order of names in the header and the data", () => {
    const bytes = encodeSafetensors({
      zeta: { dtype: 'bool', shape: [1], data: new Uint8Array([1]) },
      alpha: { dtype: 'int64', shape: [1], data: new Float64Array([5]) },
      mid: { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) },
    });
    const header = JSON.parse(headerOf(bytes).text) as Record<string, { data_offsets: number[]; dtype: string }>;
    expect(Object.keys(header)).toEqual(['zeta', 'alpha', 'mid']);
    expect(header.zeta).toEqual({ dtype: 'BOOL', shape: [1], data_offsets: [0, 1] });
    expect(header.alpha).toEqual({ dtype: 'I64', shape: [1], data_offsets: [1, 9] });
    expect(header.mid).toEqual({ dtype: 'F32', shape: [2], data_offsets: [9, 17] });
    expect(Object.keys(decodeSafetensors(bytes).tensors)).toEqual(['zeta', 'alpha', 'mid']);
  });

  it('writes I64 as little-endian two’s complement', () => {
    const bytes = encodeSafetensors({ x: { dtype: 'int64', shape: [2], data: new Float64Array([-2, 2 ** 40]) } });
    const data = bytes.subarray(bytes.length - 16);
    const view = new DataView(data.buffer, data.byteOffset, 16);
    expect(view.getBigInt64(0, true)).toBe(-2n);
    expect(view.getBigInt64(8, true)).toBe(2n ** 40n);
  });

  it('keeps names such as __proto__ as plain keys', () => {
    const input: Record<string, RawTensor> = {};
    Object.defineProperty(input, '__proto__', {
      value: { dtype: 'int32', shape: [1], data: new Int32Array([4]) },
      enumerable: true,
    });
    const { tensors } = decodeSafetensors(encodeSafetensors(input));
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
  });
});

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
  const f32x2 = new Uint8Array(new Float32Array([1, 2]).buffer);

  it.each<[string, () => Uint8Array, string | RegExp]>([
    ['a file shorter than 8 bytes', () => new Uint8Array(5), 'file is too short to be safetensors: 5 bytes'],
    ['an empty file', () => new Uint8Array(0), 'file is too short to be safetensors: 0 bytes'],
    [
      'a header length beyond the file',
      () => fileWith('{}', new Uint8Array(0), 100n),
      'header length 100 runs past the end of the file (10 bytes',
    ],
    [
      'a huge header length',
      () => fileWith('{}', new Uint8Array(0), 2n ** 63n),
      /header length 9223372036854775808 is too large/,
    ],
    [
      'a header that is not UTF-8',
      () => {
        const b = fileWith('{"a":1}');
        b[10] = 0xff;
        return b;
      },
      'header is not valid UTF-8',
    ],
    ['a header that is not JSON', () => fileWith('{"a": '), 'header is not valid JSON'],
    ['a header that is a JSON array', () => fileWith('[1, 2]'), 'header is not valid JSON'],
    ['a header that is not an object', () => fileWith('"x"'), 'header is not valid JSON'],
    [
      'data_offsets past the end of the data',
      () => fileWith({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32x2),
      "data_offsets [0, 16] of tensor 'a' are out of range: the file holds 8 bytes of tensor data",
    ],
    [
      'data_offsets that do not match shape x dtype',
      () => fileWith({ a: { dtype: 'F64', shape: [2], data_offsets: [0, 8] } }, f32x2),
      "tensor 'a': data_offsets [0, 8] span 8 bytes, but shape [2] of F64 needs 16 bytes",
    ],
    [
      'data_offsets that end before they begin',
      () => fileWith({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, f32x2),
      "invalid offsets for tensor 'a'",
    ],
    [
      'overlapping offsets',
      () =>
        fileWith(
          {
            a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
            b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
          },
          f32x2,
        ),
      /invalid offsets for tensor 'b'.*overlap of 4 bytes/,
    ],
    [
      'a gap between tensors',
      () =>
        fileWith(
          {
            a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
            b: { dtype: 'BOOL', shape: [2], data_offsets: [6, 8] },
          },
          f32x2,
        ),
      /invalid offsets for tensor 'b'.*gap of 2 bytes/,
    ],
    [
      'data not starting at offset 0',
      () => fileWith({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32x2),
      /invalid offsets for tensor 'a'/,
    ],
    [
      'trailing bytes after the last tensor',
      () => fileWith({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32x2),
      'invalid offsets: the tensors cover 4 bytes of data but the file holds 8 (4 trailing bytes)',
    ],
    [
      'an unknown dtype',
      () => fileWith({ a: { dtype: 'Q7', shape: [2], data_offsets: [0, 8] } }, f32x2),
      "unknown safetensors dtype 'Q7' for tensor 'a'",
    ],
    [
      'a dtype Kindling has no storage for',
      () => fileWith({ x: { dtype: 'F16', shape: [4], data_offsets: [0, 8] } }, f32x2),
      "unsupported safetensors dtype 'F16' for tensor 'x'",
    ],
    [
      'a missing dtype',
      () => fileWith({ a: { shape: [2], data_offsets: [0, 8] } }, f32x2),
      "tensor 'a' has no dtype string",
    ],
    [
      'a non-integer shape',
      () => fileWith({ a: { dtype: 'F32', shape: [2.5], data_offsets: [0, 8] } }, f32x2),
      "tensor 'a' has an invalid shape [2.5]",
    ],
    [
      'a negative shape',
      () => fileWith({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32x2),
      "tensor 'a' has an invalid shape [-2]",
    ],
    [
      'a shape that is not a list',
      () => fileWith({ a: { dtype: 'F32', shape: '2', data_offsets: [0, 8] } }, f32x2),
      'tensor \'a\' has an invalid shape "2"',
    ],
    [
      'data_offsets that are not a pair of integers',
      () => fileWith({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8, 9] } }, f32x2),
      "tensor 'a' has invalid data_offsets [0,8,9]",
    ],
    ['a tensor entry that is not an object', () => fileWith({ a: 3 }), "header entry for tensor 'a' must be an object"],
    [
      'metadata with a non-string value',
      () => fileWith({ __metadata__: { epoch: 3 } }),
      "__metadata__ must map strings to strings, but key 'epoch' holds number 3",
    ],
  ])('rejects %s', (_, make, message) => {
    expectSafetensorError(() => decodeSafetensors(make()), message);
  });

  it('accepts tensors listed in any order, including empty tensors sharing an offset', () => {
    const bytes = fileWith(
      {
        b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        e: { dtype: 'F64', shape: [0], data_offsets: [4, 4] },
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      },
      f32x2,
    );
    const { tensors } = decodeSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(['b', 'e', 'a']);
    expect(Array.from(tensors.a.data)).toEqual([1]);
    expect(Array.from(tensors.b.data)).toEqual([2]);
    expect(tensors.e.data).toEqual(new Float64Array(0));
  });

  it('accepts a header with an unpadded length and a null __metadata__', () => {
    const { tensors, metadata } = decodeSafetensors(
      fileWith({ __metadata__: null, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32x2),
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

describe('validation when writing', () => {
  it.each<[string, Record<string, RawTensor>, string]>([
    [
      'a non-integer int64 value',
      { t: { dtype: 'int64', shape: [2], data: new Float64Array([1, 1.5]) } },
      "cannot write tensor 't' as I64: element 1 is 1.5, which is not an integer in [-2^63, 2^63)",
    ],
    ['NaN in int64', { t: { dtype: 'int64', shape: [1], data: new Float64Array([NaN]) } }, 'element 0 is NaN'],
    [
      '2^63 in int64',
      { t: { dtype: 'int64', shape: [1], data: new Float64Array([2 ** 63]) } },
      'element 0 is 9223372036854776000',
    ],
    [
      'storage of the wrong type',
      { t: { dtype: 'int64', shape: [1], data: new Int32Array([1]) } },
      "tensor 't' of dtype int64 needs its data in a Float64Array, got Int32Array",
    ],
    [
      'a data length that does not match the shape',
      { t: { dtype: 'float32', shape: [2, 2], data: new Float32Array(3) } },
      "tensor 't' has shape [2,2] (4 elements) but 3 data elements",
    ],
    [
      'an invalid shape',
      { t: { dtype: 'float32', shape: [1.5], data: new Float32Array(1) } },
      "tensor 't' has an invalid shape [1.5]",
    ],
    [
      'the reserved name __metadata__',
      { __metadata__: { dtype: 'float32', shape: [1], data: new Float32Array(1) } },
      "a tensor may not be named '__metadata__'",
    ],
    [
      'an unknown dtype',
      { t: { dtype: 'float16' as DType, shape: [1], data: new Float32Array(1) } },
      "tensor 't' has unknown dtype 'float16'",
    ],
  ])('rejects %s', (_, tensors, message) => {
    expectSafetensorError(() => encodeSafetensors(tensors), message);
  });

  it('writes the extremes of int64 that a double holds exactly', () => {
    const bytes = encodeSafetensors({
      t: { dtype: 'int64', shape: [2], data: new Float64Array([-(2 ** 63), 2 ** 62]) },
    });
    const view = new DataView(bytes.buffer, bytes.length - 16);
    expect(view.getBigInt64(0, true)).toBe(-(2n ** 63n));
    expect(view.getBigInt64(8, true)).toBe(2n ** 62n);
  });

  it('rejects metadata values that are not strings', () => {
    expectSafetensorError(
      () => encodeSafetensors({}, { epoch: 3 } as unknown as Record<string, string>),
      "metadata must map strings to strings, but key 'epoch' holds number 3",
    );
  });
});

describe('node-fs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-fs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes atomically, leaving no temporary file, and reads the bytes back', () => {
    const sub = join(dir, 'atomic');
    mkdirSync(sub);
    const path = join(sub, 'model.safetensors');
    writeFileBytesAtomic(path, new Uint8Array([1, 2, 3]));
    writeFileBytesAtomic(path, new Uint8Array([4, 5]));
    expect(readdirSync(sub)).toEqual(['model.safetensors']);
    const back = readFileBytes(path);
    expect(Object.getPrototypeOf(back)).toBe(Uint8Array.prototype);
    expect(Array.from(back)).toEqual([4, 5]);
  });

  it('round-trips a safetensors file through disk', () => {
    const path = join(dir, 'sample.safetensors');
    writeFileBytesAtomic(path, encodeSafetensors(SAMPLE, { format: 'pt' }));
    const { tensors, metadata } = decodeSafetensors(readFileBytes(path));
    expect(metadata).toEqual({ format: 'pt' });
    expect(Array.from(tensors.i64.data)).toEqual(Array.from(SAMPLE.i64.data));
  });

  it('names the path of a missing file, like FileNotFoundError', () => {
    const path = join(dir, 'missing.pt');
    expect(() => readFileBytes(path)).toThrow(FileNotFoundError);
    expect(() => readFileBytes(path)).toThrow(`[Errno 2] No such file or directory: '${path}'`);
  });

  it('reports a directory read as IsADirectoryError', () => {
    expect(() => readFileBytes(dir)).toThrow(new IsADirectoryError(`[Errno 21] Is a directory: '${dir}'`, 21, dir));
  });

  it('reports a missing parent directory as torch.save does and leaves nothing behind', () => {
    const parent = join(dir, 'no-such-dir');
    expect(() => writeFileBytesAtomic(join(parent, 'x.pt'), new Uint8Array([1]))).toThrow(
      new RuntimeError(`Parent directory ${parent} does not exist.`),
    );
  });

  it('removes the temporary file when the final rename fails', () => {
    const sub = join(dir, 'rename-fails');
    mkdirSync(join(sub, 'target'), { recursive: true });
    writeFileSync(join(sub, 'target', 'keep'), 'x');
    expect(() => writeFileBytesAtomic(join(sub, 'target'), new Uint8Array([1]))).toThrow(IsADirectoryError);
    expect(readdirSync(sub)).toEqual(['target']);
  });

  it('explains what to do when no file system is reachable', () => {
    const proc = process as unknown as { getBuiltinModule?: unknown };
    const saved = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined;
    try {
      const message =
        'torch.save/torch.load need Node.js file system access (not available in this environment); ' +
        'use serialize()/deserialize() with bytes instead';
      expect(() => readFileBytes(join(dir, 'x'))).toThrow(new RuntimeError(message));
      expect(() => writeFileBytesAtomic(join(dir, 'x'), new Uint8Array(0))).toThrow(message);
    } finally {
      proc.getBuiltinModule = saved;
    }
  });

  it('keeps Node modules out of the top level of browser-loaded sources', () => {
    const files = ['node-fs', 'safetensors-format', 'safetensors-read', 'safetensors-write'].map(
      (f) => `../src/${f}.ts`,
    );
    for (const file of files) {
      const source = readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8');
      expect(source, file).not.toMatch(/^\s*import\b[^;]*['"](node:|fs['"]|path['"]|os['"])/m);
      expect(source, file).not.toMatch(/\brequire\(/);
    }
  });
});
