/**
 * Replaying a recurrent-layer case of tools/golden/rnn.py's format (rnn.json and fuzz_rnn.json): the layer built with
 * the case's options and PyTorch's parameters loaded, run over the input from the initial states, and its outputs,
 * final states and every gradient checked against PyTorch's.
 */
import { expect } from 'vitest';
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import {
  nn,
  type ElmanRNNOptions,
  type GRU,
  type GRUCell,
  type LSTM,
  type Module,
  type RNN,
  type RNNCell,
} from '@kindling/nn';
import { type GoldenTensor, expectGolden, makeTensor } from '../../../core/test/helpers/golden.js';

export interface RnnCase {
  name: string;
  cls: 'RNN' | 'LSTM' | 'GRU' | 'RNNCell' | 'LSTMCell' | 'GRUCell';
  inputSize: number;
  hiddenSize: number;
  options: ElmanRNNOptions;
  repr: string;
  stateDict: Record<string, GoldenTensor>;
  input: GoldenTensor;
  states: GoldenTensor[];
  out: GoldenTensor;
  finals: GoldenTensor[];
  weights: GoldenTensor[];
  inputGrad: GoldenTensor;
  stateGrads: GoldenTensor[];
  paramGrads: Record<string, GoldenTensor>;
}

const tensorOf = (g: GoldenTensor): Tensor => makeTensor(g.values, g.shape, g.dtype);

/** A cell's hidden states over the steps of `x` (dim 0) stacked, then its last state(s), as rnn.py runs it. */
function runCell(m: Module, x: Tensor, states: Tensor[]): Tensor[] {
  if (m instanceof nn.LSTMCell) {
    let state: [Tensor, Tensor] | null = states.length === 2 ? [states[0], states[1]] : null;
    const outs = x.unbind(0).map((step) => (state = m.forward(step, state))[0]);
    const [h, c] = state as unknown as [Tensor, Tensor];
    return [torch.stack(outs, 0), h, c];
  }
  const cell = m as RNNCell | GRUCell;
  let h: Tensor | null = states[0] ?? null;
  const outs = x.unbind(0).map((step) => (h = cell.forward(step, h)));
  return [torch.stack(outs, 0), outs[outs.length - 1]];
}

function build(c: RnnCase): Module {
  const layers = {
    RNN: nn.RNN,
    LSTM: nn.LSTM,
    GRU: nn.GRU,
    RNNCell: nn.RNNCell,
    LSTMCell: nn.LSTMCell,
    GRUCell: nn.GRUCell,
  };
  return new layers[c.cls](c.inputSize, c.hiddenSize, c.options);
}

/** The layer's outputs, then its final states, for the case's initial states. */
function run(m: RNN | LSTM | GRU, x: Tensor, states: Tensor[]): Tensor[] {
  if (m instanceof nn.LSTM) {
    const [out, [h, cell]] = m.forward(x, states.length === 2 ? [states[0], states[1]] : null);
    return [out, h, cell];
  }
  const [out, h] = m.forward(x, states[0] ?? null);
  return [out, h];
}

/**
 * Case `c` against PyTorch: the repr and state-dict keys, the outputs and final states, and the gradients of the
 * input, of the initial states and of every parameter (float32 within rtol 1e-4 / atol 1e-5, float64 within 1e-10).
 */
export function replayRnnCase(c: RnnCase): void {
  const m = build(c);
  expect(String(m)).toBe(c.repr);
  if (c.out.dtype === 'float64') m.double();
  expect(Object.keys(m.stateDict())).toEqual(Object.keys(c.stateDict));
  m.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, tensorOf(v)])));
  const x = tensorOf(c.input).requiresGrad_();
  const states = c.states.map((g) => tensorOf(g).requiresGrad_());
  const outs = c.cls.endsWith('Cell') ? runCell(m, x, states) : run(m as RNN | LSTM | GRU, x, states);
  const tol = c.out.dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-4, atol: 1e-5 };
  expectGolden(outs[0], c.out, tol, 'output');
  c.finals.forEach((g, i) => expectGolden(outs[i + 1], g, tol, `final state ${i}`));
  outs
    .map((t, i) => t.mul(tensorOf(c.weights[i])).sum())
    .reduce((a, b) => a.add(b))
    .backward();
  expectGolden(x.grad as Tensor, c.inputGrad, tol, 'grad of the input');
  states.forEach((t, i) => expectGolden(t.grad as Tensor, c.stateGrads[i], tol, `grad of initial state ${i}`));
  for (const [name, p] of m.namedParameters())
    expectGolden(p.grad as Tensor, c.paramGrads[name], tol, `grad of ${name}`);
}
