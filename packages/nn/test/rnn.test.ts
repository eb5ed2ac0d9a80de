/**
 * nn.RNN, nn.LSTM and nn.GRU, and the cells nn.RNNCell, nn.LSTMCell and nn.GRUCell stepped over a sequence, against
 * PyTorch 1.13 (fixtures/rnn.json, written by tools/golden/rnn.py): with PyTorch's parameters loaded, the outputs,
 * the final states and the gradients of the input, of the initial states and of every parameter (stacked,
 * bidirectional, batch-first, unbatched, without bias, float64); reprs and state-dict keys.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { type RnnCase, replayRnnCase } from './helpers/rnn-cases.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/rnn.json', import.meta.url), 'utf8')) as {
  cases: RnnCase[];
};

describe('recurrent layers against PyTorch', () => {
  for (const c of fixture.cases) it(c.name, () => replayRnnCase(c));

  it('initialises from U(-1/√hidden, 1/√hidden) and refuses what PyTorch refuses', () => {
    const lstm = new nn.LSTM(4, 16);
    for (const p of lstm.parameters()) expect(p.abs().max().item()).toBeLessThanOrEqual(0.25);
    expect(() => new nn.RNN(4, 3, { nonlinearity: 'sigmoid' as 'tanh' })).toThrow(
      "Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'.",
    );
    expect(() => lstm.forward(torch.randn(2, 3, 5))).toThrow(
      'input.size(-1) must be equal to input_size. Expected 4, got 5',
    );
    expect(() => new nn.GRU(4, 3).forward(torch.randn(5, 2, 4), torch.zeros(2, 3))).toThrow(
      'For batched 3-D input, hx should also be 3-D but got 2-D tensor',
    );
  });

  it('cells print, name their parameters and refuse what PyTorch refuses, with its messages', () => {
    expect(String(new nn.RNNCell(4, 3, false, 'relu'))).toBe('RNNCell(4, 3, bias=False, nonlinearity=relu)');
    expect(String(new nn.LSTMCell(4, 3))).toBe('LSTMCell(4, 3)');
    expect(Object.keys(new nn.GRUCell(4, 3).stateDict())).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
    expect(Object.keys(new nn.GRUCell(4, 3, { bias: false }).stateDict())).toEqual(['weight_ih', 'weight_hh']);
    const cell = new nn.RNNCell(4, 3);
    expect(() => cell.forward(torch.randn(2, 3, 4))).toThrow(
      new torch.AssertionError('RNNCell: Expected input to be 1-D or 2-D but received 3-D tensor'),
    );
    expect(() => cell.forward(torch.randn(2, 5))).toThrow('input has inconsistent input_size: got 5 expected 4');
    expect(() => cell.forward(torch.randn(2, 4), torch.randn(3, 3))).toThrow(
      "Input batch size 2 doesn't match hidden0 batch size 3",
    );
    expect(() => cell.forward(torch.randn(4), torch.randn(1, 3))).toThrow(
      'hidden0 has inconsistent hidden_size: got 1, expected 3',
    );
    expect(() => new nn.LSTMCell(4, 3).forward(torch.randn(2, 4), [torch.randn(2, 3), torch.randn(2, 5)])).toThrow(
      'hidden0 has inconsistent hidden_size: got 5, expected 3',
    );
    const unknown = new nn.RNNCell(4, 3, { nonlinearity: 'sigmoid' as 'tanh' });
    expect(() => unknown.forward(torch.randn(2, 4))).toThrow(new torch.RuntimeError('Unknown nonlinearity: sigmoid'));
  });

  it('refuses projections PyTorch refuses, with its messages', () => {
    expect(() => new nn.LSTM(4, 3, { projSize: 3 })).toThrow(
      new torch.ValueError('proj_size has to be smaller than hidden_size'),
    );
    expect(() => new nn.LSTM(4, 3, { projSize: -1 })).toThrow(
      'proj_size should be a positive integer or zero to disable projections',
    );
    expect(() => new nn.GRU(4, 3, { projSize: 1 })).toThrow(
      'proj_size argument is only supported for LSTM, not RNN or GRU',
    );
    expect(String(new nn.LSTM(4, 3, { numLayers: 2, bidirectional: true, projSize: 2 }))).toBe(
      'LSTM(4, 3, proj_size=2, num_layers=2, bidirectional=True)',
    );
  });
});
