// torch.load of checkpoints PyTorch 1.13's own torch.save wrote (tools/golden/pytorch_checkpoints.py): a model's
// state dict and a mix of dtypes, views, offsets, 0-d and empty tensors and nested dicts, against the values
// PyTorch wrote down; and the files it must refuse, each with a message saying why.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

const dir = new URL('./fixtures/pytorch/', import.meta.url);
const path = (name: string): string => new URL(name, dir).pathname;
type Expected = Record<string, Record<string, { dtype: torch.DType; shape: number[]; values: number[] }>>;
const expected = JSON.parse(readFileSync(path('expected.json'), 'utf8')) as Expected;

describe("torch.load reads PyTorch's own checkpoints", () => {
  for (const file of Object.keys(expected)) {
    it(`${file}: every tensor with PyTorch's dtype, shape and values`, () => {
      const sd = torch.load(path(file));
      expect(Object.keys(sd).sort()).toEqual(Object.keys(expected[file]).sort());
      for (const [key, want] of Object.entries(expected[file])) {
        const t = sd[key];
        expect(t.dtype, key).toBe(want.dtype);
        expect(t.shape, key).toEqual(want.shape);
        expect(Array.from(t.contiguous().toArray()), key).toEqual(want.values);
      }
    });
  }

  it('loads a state dict into the model PyTorch saved it from, and from bytes as well as from a path', () => {
    const sd = torch.deserialize(new Uint8Array(readFileSync(path('model.pt'))));
    expect(sd['1.num_batches_tracked'].item()).toBe(1);
    expect(sd['0.weight'].shape).toEqual([2, 1, 3, 3]);
    expect(torch.loadMetadata(path('model.pt'))).toEqual({});
  });

  it('refuses what it cannot or must not read, saying why', () => {
    expect(() => torch.load(path('custom-class.pt'))).toThrow(
      /refers to __main__\.Custom; only state dicts of tensors can be read/,
    );
    expect(() => torch.load(path('half.pt'))).toThrow(/HalfStorage are not supported/);
    expect(() => torch.load(path('legacy.pt'))).toThrow(/PyTorch's legacy format/);
    const truncated = new Uint8Array(readFileSync(path('model.pt'))).subarray(0, 1500);
    expect(() => torch.deserialize(truncated)).toThrow(/not a readable PyTorch archive .*truncated/);
  });

  it('turns any corruption into a clear error, never an engine error or a hang', () => {
    const good = new Uint8Array(readFileSync(path('mixed.pth')));
    let seed = 12345;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 300; trial++) {
      const bytes = good.slice(0, trial % 3 === 0 ? Math.floor(next() * good.length) : good.length);
      for (let k = 0; k < 4; k++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      try {
        torch.deserialize(bytes);
      } catch (e) {
        // A corrupt zip signature makes it a (corrupt) safetensors file: then the safetensors reader's own error.
        expect(['RuntimeError', 'SafetensorError'], `trial ${trial}: ${(e as Error).message}`).toContain(
          (e as Error).name,
        );
      }
    }
  });
});
