// Malformed safetensors files: each is refused with a SafetensorError that names what is wrong with it.
import { describe, it } from 'vitest';
import { decodeSafetensors } from '../src/safetensors-read.js';
import { F32_PAIR, expectSafetensorError, fileWith } from './helpers/safetensors-bytes.js';

/** The header entry of one F32 tensor that holds all 8 bytes of F32_PAIR: a valid file until a field is spoiled. */
const VALID_ENTRY = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };

describe('validation when reading', () => {
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
      'overlapping offsets',
      () => fileWith({ a: VALID_ENTRY, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, F32_PAIR),
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
          F32_PAIR,
        ),
      /invalid offsets for tensor 'b'.*gap of 2 bytes/,
    ],
    [
      'a dtype Kindling has no storage for',
      () => fileWith({ x: { dtype: 'F16', shape: [4], data_offsets: [0, 8] } }, F32_PAIR),
      "unsupported safetensors dtype 'F16' for tensor 'x'",
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

  // Tensor 'a' alone over F32_PAIR, with the fields of VALID_ENTRY given here replaced (undefined: left out).
  it.each<[string, Partial<Record<keyof typeof VALID_ENTRY, unknown>>, string | RegExp]>([
    [
      'data_offsets past the end of the data',
      { shape: [4], data_offsets: [0, 16] },
      "data_offsets [0, 16] of tensor 'a' are out of range: the file holds 8 bytes of tensor data",
    ],
    [
      'data_offsets that do not match shape x dtype',
      { dtype: 'F64' },
      "tensor 'a': data_offsets [0, 8] span 8 bytes, but shape [2] of F64 needs 16 bytes",
    ],
    ['data_offsets that end before they begin', { shape: [0], data_offsets: [8, 4] }, "invalid offsets for tensor 'a'"],
    ['data not starting at offset 0', { shape: [1], data_offsets: [4, 8] }, /invalid offsets for tensor 'a'/],
    [
      'trailing bytes after the last tensor',
      { shape: [1], data_offsets: [0, 4] },
      'invalid offsets: the tensors cover 4 bytes of data but the file holds 8 (4 trailing bytes)',
    ],
    ['an unknown dtype', { dtype: 'Q7' }, "unknown safetensors dtype 'Q7' for tensor 'a'"],
    ['a missing dtype', { dtype: undefined }, "tensor 'a' has no dtype string"],
    ['a non-integer shape', { shape: [2.5] }, "tensor 'a' has an invalid shape [2.5]"],
    ['a negative shape', { shape: [-2] }, "tensor 'a' has an invalid shape [-2]"],
    ['a shape that is not a list', { shape: '2' }, 'tensor \'a\' has an invalid shape "2"'],
    [
      'data_offsets that are not a pair of integers',
      { data_offsets: [0, 8, 9] },
      "tensor 'a' has invalid data_offsets [0,8,9]",
    ],
  ])('rejects %s', (_, spoiled, message) => {
    expectSafetensorError(() => decodeSafetensors(fileWith({ a: { ...VALID_ENTRY, ...spoiled } }, F32_PAIR)), message);
  });
});
