// Writing safetensors: what encodeSafetensors writes decodes to the same tensors (every dtype, 0-d and empty,
// metadata, views), its bytes are the reference serializer's (padding, order, little-endian I64), and what it
// refuses to write.
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { DType } from '../src/dtype.js';
import type { RawTensor } from '../src/safetensors-format.js';
import { decodeSafetensors } from '../src/safetensors-read.js';
import { encodeSafetensors } from '../src/safetensors-write.js';
import { SAMPLE, expectSafetensorError } from './helpers/safetensors-bytes.js';

function headerOf(bytes: Uint8Array): { size: number; text: string } {
  const size = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { size, text: new TextDecoder().decode(bytes.subarray(8, 8 + size)) };
}

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
