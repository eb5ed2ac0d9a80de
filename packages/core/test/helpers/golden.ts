/**
 * What every golden-fixture test shares: decoding fixture values, building tensors from them, comparing a result
 * with PyTorch's, the weighted backward that turns any op's outputs into a scalar loss, and catching an expected error.
 */
import * as torch from '@kindling/core';
import type { DType, NestedArray, Tensor } from '@kindling/core';

/** A fixture value: a number, a bool, or 'nan' / 'inf' / '-inf' (JSON has no non-finite numbers). */
export type Value = number | boolean | string;

export function decode(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  throw new Error(`bad fixture value ${v}`);
}

function nest(flat: number[], shape: readonly number[], dtype: DType): NestedArray {
  const leaf = (v: number): NestedArray => (dtype === 'bool' ? v !== 0 : v);
  if (shape.length === 0) return leaf(flat[0]);
  const [n, ...rest] = shape;
  const size = n === 0 ? 0 : flat.length / n;
  return Array.from({ length: n }, (_, i) => nest(flat.slice(i * size, (i + 1) * size), rest, dtype));
}

/** A tensor of `shape` and `dtype` holding the fixture's flat row-major values. */
export function makeTensor(values: Value[], shape: number[], dtype: DType): Tensor {
  if (values.length === 0) return torch.zeros(shape, { dtype });
  return torch.tensor(nest(values.map(decode), shape, dtype), { dtype });
}

/** A tensor as a fixture writes it. */
export interface GoldenTensor {
  values: Value[];
  shape: number[];
  dtype: DType;
}

/**
 * `t` against PyTorch's result with torch.testing.assertClose: shape and dtype, floats within `tolerance` (NaN where
 * PyTorch has NaN, infinities exactly), integers and bools exactly.
 */
export function expectGolden(
  t: Tensor,
  expected: GoldenTensor,
  tolerance: { rtol: number; atol: number },
  what: string,
): void {
  const floating = torch.isFloatingPointDType(expected.dtype);
  torch.testing.assertClose(t, makeTensor(expected.values, expected.shape, expected.dtype), {
    ...(floating ? tolerance : {}),
    equalNan: true,
    msg: (m) => `${what}: ${m}`,
  });
}

/**
 * The `grad_fn` name Kindling gives for PyTorch's: PyTorch's C++ nodes without their namespace
 * (`torch::autograd::CopySlices` is `CopySlices`, as AccumulateGrad is), after a caller's own `differences`.
 */
export function expectedNode(pytorch: string | null, differences: Record<string, string> = {}): string | null {
  return pytorch === null ? null : (differences[pytorch] ?? pytorch).replace(/^torch::autograd::/, '');
}

/** sum_i (t_i * w_i).sum() with the fixture's weights (null: that tensor takes no part); null when none does. */
export function weightedLoss(ts: readonly (Tensor | null)[], weights: readonly (Value[] | null)[]): Tensor | null {
  let loss: Tensor | null = null;
  ts.forEach((t, i) => {
    const w = weights[i];
    if (w === null || t === null) return;
    const term = t.mul(makeTensor(w, t.shape, t.dtype)).sum();
    loss = loss === null ? term : loss.add(term);
  });
  return loss;
}

/** backward of sum_i (out_i * w_i).sum() with the fixture's weights (null: that output takes no part). */
export function weightedBackward(outs: readonly Tensor[], weights: readonly (Value[] | null)[]): void {
  weightedLoss(outs, weights)?.backward();
}

/** The error `fn` throws; fails the test when it throws nothing. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but nothing was thrown');
}

/** A tensor argument as a fixture stores it: the leaf's values, and the view (`transform`) the op sees. */
export interface TensorSpec {
  values: Value[];
  shape: number[];
  dtype: DType;
  requiresGrad?: boolean;
  transform?: Transform | Transform[];
}

/** A view the golden scripts make of a stored leaf (tools/golden/golden.py); a list is applied in order. */
export interface Transform {
  kind: 'transpose' | 'expand' | 'slice';
  dims?: [number, number];
  shape?: number[];
  dim?: number;
  start?: number | null;
  end?: number | null;
  step?: number;
}

/** The op's input from the stored leaf: the fixture's transform (or list of transforms) applied, no copy. */
export function applyTransform(t: Tensor, tr: Transform | Transform[] | undefined): Tensor {
  if (tr === undefined) return t;
  if (Array.isArray(tr)) return tr.reduce((view, step) => applyTransform(view, step), t);
  if (tr.kind === 'transpose') return t.transpose(...(tr.dims as [number, number]));
  if (tr.kind === 'expand') return t.expand(tr.shape as number[]);
  if (tr.kind === 'slice') return t.slice(tr.dim as number, tr.start ?? null, tr.end ?? null, tr.step ?? 1);
  throw new Error(`unknown fixture transform ${JSON.stringify(tr)}`);
}
