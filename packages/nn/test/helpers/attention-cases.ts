/**
 * Replaying a nn.MultiheadAttention case of tools/golden/attention.py's format (attention.json and
 * fuzz_attention.json): PyTorch's parameters loaded, the forward with the case's masks and options, and the output,
 * attention weights and every gradient checked against PyTorch's.
 */
import { expect } from 'vitest';
import type { Tensor } from '@kindling/core';
import { nn, type MultiheadAttentionForwardOptions, type MultiheadAttentionOptions } from '@kindling/nn';
import { type GoldenTensor, expectGolden, makeTensor } from '../../../core/test/helpers/golden.js';

export interface AttentionCase {
  name: string;
  embedDim: number;
  numHeads: number;
  options: MultiheadAttentionOptions;
  forward: MultiheadAttentionForwardOptions;
  masks: Record<string, GoldenTensor>;
  selfAttention: boolean;
  valueIsKey: boolean;
  stateDict: Record<string, GoldenTensor>;
  inputs: GoldenTensor[];
  out: GoldenTensor;
  weights: GoldenTensor | null;
  wOut: GoldenTensor;
  wAttn: GoldenTensor | null;
  inputGrads: GoldenTensor[];
  paramGrads: Record<string, GoldenTensor>;
}

const tensorOf = (g: GoldenTensor): Tensor => makeTensor(g.values, g.shape, g.dtype);

function tolerance(dtype: string): { rtol: number; atol: number } {
  return dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-4, atol: 1e-5 };
}

/** Case `c` against PyTorch: output, weights, the gradients of the inputs and parameters, and the state-dict keys. */
export function replayAttentionCase(c: AttentionCase): void {
  const dtype = c.out.dtype;
  const m = new nn.MultiheadAttention(c.embedDim, c.numHeads, c.options);
  if (dtype === 'float64') m.double();
  m.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, tensorOf(v)])));
  const inputs = c.inputs.map((g) => tensorOf(g).requiresGrad_());
  const [q, k, v] = c.selfAttention
    ? [inputs[0], inputs[0], inputs[0]]
    : c.valueIsKey
      ? [inputs[0], inputs[1], inputs[1]]
      : inputs;
  const masks = Object.fromEntries(Object.entries(c.masks).map(([name, g]) => [name, tensorOf(g)]));
  const [out, weights] = m.forward(q, k, v, { ...c.forward, ...masks });
  const tol = tolerance(dtype);
  expectGolden(out, c.out, tol, 'output');
  if (c.weights === null) expect(weights).toBeNull();
  else expectGolden(weights as Tensor, c.weights, tol, 'attention weights');
  let loss = out.mul(tensorOf(c.wOut)).sum();
  if (weights !== null && c.wAttn !== null) loss = loss.add(weights.mul(tensorOf(c.wAttn)).sum());
  loss.backward();
  inputs.forEach((t, i) => expectGolden(t.grad as Tensor, c.inputGrads[i], tol, `grad of input ${i}`));
  for (const [name, p] of m.namedParameters()) {
    expectGolden(p.grad as Tensor, c.paramGrads[name], tol, `grad of ${name}`);
  }
  expect(Object.keys(m.stateDict())).toEqual(Object.keys(c.stateDict));
}
