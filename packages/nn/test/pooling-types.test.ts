// MaxPool2d and AdaptiveMaxPool2d type their forward by returnIndices: a Tensor, or [output, indices].
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';

describe('max-pooling layers type their result by returnIndices', () => {
  it('gives a tensor by default and [output, indices] with returnIndices: true', () => {
    const x = torch.arange(16, { dtype: 'float32' }).reshape(1, 1, 4, 4);
    const plain = new nn.MaxPool2d(2).forward(x);
    expectTypeOf(plain).toEqualTypeOf<torch.Tensor>();
    expect(plain.tolist()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    const [out, indices] = new nn.MaxPool2d(2, { returnIndices: true }).forward(x);
    expectTypeOf(indices).toEqualTypeOf<torch.Tensor>();
    expect(out.tolist()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    expect(indices.tolist()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    const adaptive = new nn.AdaptiveMaxPool2d(1).forward(x);
    expectTypeOf(adaptive).toEqualTypeOf<torch.Tensor>();
    const [, where] = new nn.AdaptiveMaxPool2d(1, { returnIndices: true }).forward(x);
    expect(where.tolist()).toEqual([[[[15]]]]);
  });
});
