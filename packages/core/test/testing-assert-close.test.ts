// torch.testing.assertClose against PyTorch 1.13's torch.testing.assert_close: the same verdicts and messages.
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

const { assertClose } = torch.testing;
const f32 = (values: torch.NestedArray) => torch.tensor(values, { dtype: 'float32' });

function messageOf(f: () => void): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(torch.AssertionError);
    return (e as Error).message;
  }
  throw new Error('expected a failure');
}

describe('torch.testing.assertClose', () => {
  it("passes within PyTorch's default tolerances per dtype, and with equalNan", () => {
    assertClose(f32([1, 2, 3]), f32([1, 2 + 1e-6, 3]));
    assertClose(torch.tensor([1, 2], { dtype: 'float64' }), torch.tensor([1, 2 + 1e-7], { dtype: 'float64' }));
    assertClose(f32([1, Infinity]), f32([1, Infinity]));
    assertClose(f32([1, NaN]), f32([1, NaN]), { equalNan: true });
    assertClose(f32([1, 2]), f32([1, 2.0001]), { rtol: 1e-3, atol: 0 });
    assertClose(f32([1, 2]), torch.tensor([1, 2], { dtype: 'float64' }), { checkDtype: false });
    assertClose(1.0, 1.0 + 1e-8);
  });

  it('takes typed arrays as tensors of their dtype, as PyTorch takes NumPy arrays', () => {
    assertClose(Float32Array.of(1, 2), f32([1, 2 + 1e-6]));
    assertClose(Float64Array.of(1, 2), Float64Array.of(1, 2 + 1e-7));
    expect(messageOf(() => assertClose(Float32Array.of(1, 2), Float64Array.of(1, 2)))).toBe(
      "The values for attribute 'dtype' do not match: torch.float32 != torch.float64.",
    );
    expect(messageOf(() => assertClose(Float64Array.of(1, 2), Float64Array.of(1, 2.5), { rtol: 0, atol: 0.25 }))).toBe(
      'Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\nGreatest absolute difference: 0.5 at index (1,) (up to 0.25 allowed)\nGreatest relative difference: 0.2 at index (1,) (up to 0.0 allowed)',
    );
  });

  it("makes its message through msg when msg is a function (PyTorch's callable msg)", () => {
    expect(messageOf(() => assertClose(f32(1), f32(1.5), { msg: (generated) => `the loss moved\n${generated}` }))).toBe(
      'the loss moved\nScalars are not close!\n\nAbsolute difference: 0.5 (up to 1e-05 allowed)\nRelative difference: 0.3333333333333333 (up to 1.3e-06 allowed)',
    );
  });

  it("fails with PyTorch's messages", () => {
    expect(messageOf(() => assertClose(f32([1, 2, 3]), f32([1, 2.1, 3])))).toBe(
      'Tensor-likes are not close!\n\nMismatched elements: 1 / 3 (33.3%)\nGreatest absolute difference: 0.09999990463256836 at index (1,) (up to 1e-05 allowed)\nGreatest relative difference: 0.047619004368509764 at index (1,) (up to 1.3e-06 allowed)',
    );
    expect(
      messageOf(() =>
        assertClose(
          f32([
            [1, 2],
            [3, 4],
          ]),
          f32([
            [1, 2],
            [3, 4.5],
          ]),
        ),
      ),
    ).toBe(
      'Tensor-likes are not close!\n\nMismatched elements: 1 / 4 (25.0%)\nGreatest absolute difference: 0.5 at index (1, 1) (up to 1e-05 allowed)\nGreatest relative difference: 0.1111111111111111 at index (1, 1) (up to 1.3e-06 allowed)',
    );
    expect(messageOf(() => assertClose(f32([1, 2]), f32([1, 2, 3])))).toBe(
      "The values for attribute 'shape' do not match: torch.Size([2]) != torch.Size([3]).",
    );
    expect(messageOf(() => assertClose(f32([1, 2]), torch.tensor([1, 2], { dtype: 'float64' })))).toBe(
      "The values for attribute 'dtype' do not match: torch.float32 != torch.float64.",
    );
    expect(messageOf(() => assertClose(f32([1, NaN]), f32([1, NaN])))).toBe(
      'Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\nGreatest absolute difference: nan at index (1,) (up to 1e-05 allowed)\nGreatest relative difference: nan at index (1,) (up to 1.3e-06 allowed)',
    );
    expect(
      messageOf(() => assertClose(torch.tensor([1, 2], { dtype: 'int64' }), torch.tensor([1, 3], { dtype: 'int64' }))),
    ).toBe(
      'Tensor-likes are not equal!\n\nMismatched elements: 1 / 2 (50.0%)\nGreatest absolute difference: 1 at index (1,)\nGreatest relative difference: 0.3333333432674408 at index (1,)',
    );
    expect(messageOf(() => assertClose(f32(1), f32(1.5)))).toBe(
      'Scalars are not close!\n\nAbsolute difference: 0.5 (up to 1e-05 allowed)\nRelative difference: 0.3333333333333333 (up to 1.3e-06 allowed)',
    );
    expect(messageOf(() => assertClose(torch.tensor([true, false]), torch.tensor([true, true])))).toBe(
      'Tensor-likes are not equal!\n\nMismatched elements: 1 / 2 (50.0%)\nGreatest absolute difference: 1 at index (1,)\nGreatest relative difference: 1.0 at index (1,)',
    );
    expect(messageOf(() => assertClose(f32([1]), f32([2]), { msg: 'the loss moved' }))).toBe('the loss moved');
    expect(() => assertClose(f32([1, 2]), f32([1, 2]), { rtol: 1e-3 })).toThrow(
      new torch.ValueError("Both 'rtol' and 'atol' must be either specified or omitted, but got no atol."),
    );
  });
});
