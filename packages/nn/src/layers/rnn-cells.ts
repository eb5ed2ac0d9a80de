/**
 * The recurrent cells `nn.RNNCell`, `nn.LSTMCell` and `nn.GRUCell`: one time step of the recurrent layers, for loops
 * that feed each step's output back or decide per step, computed as PyTorch's CPU cells compute them
 * (aten/src/ATen/native/RNN.cpp), with PyTorch's parameter names, initialisation, reprs and messages.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/index.js';
import { type CellParams, type Hidden, type Mode, GATES, cellStep } from './rnn-step.js';

/** Whether a cell has biases, from its arguments after the sizes: `{ bias }` or PyTorch's positional `bias`. */
function biasArg(cls: string, args: readonly unknown[]): boolean {
  return torch.compat.pythonArgs<{ bias?: boolean }>(cls, ['bias'], args, 0, 2).bias ?? true;
}

/** What the three cells share: the parameters of one direction of one layer, and the step with its checks. */
abstract class RNNCellBase extends Module {
  /** The input's feature size. */
  readonly input_size: number;
  /** The hidden state's size. */
  readonly hidden_size: number;
  /** Whether the cell has biases. */
  readonly bias: boolean;
  /** `[gates · hidden, input]`. */
  weight_ih: Parameter;
  /** `[gates · hidden, hidden]`. */
  weight_hh: Parameter;
  /** `[gates · hidden]`, or null. */
  bias_ih: Parameter | null;
  /** `[gates · hidden]`, or null. */
  bias_hh: Parameter | null;

  constructor(mode: Mode, inputSize: number, hiddenSize: number, bias: boolean) {
    super();
    const gates = GATES[mode] * hiddenSize;
    this.input_size = inputSize;
    this.hidden_size = hiddenSize;
    this.bias = bias;
    this.weight_ih = new Parameter(torch.empty(gates, inputSize));
    this.weight_hh = new Parameter(torch.empty(gates, hiddenSize));
    this.bias_ih = bias ? new Parameter(torch.empty(gates)) : null;
    this.bias_hh = bias ? new Parameter(torch.empty(gates)) : null;
    if (!bias) {
      this.registerParameter('bias_ih', null);
      this.registerParameter('bias_hh', null);
    }
    this.resetParameters();
  }

  /** PyTorch's initialisation: every weight and bias from U(-1/√hidden, 1/√hidden). */
  resetParameters(): void {
    const stdv = this.hidden_size > 0 ? 1 / Math.sqrt(this.hidden_size) : 0;
    for (const p of this.parameters()) torch.noGrad(() => p.uniform_(-stdv, stdv));
  }

  /** The sizes and options, as PyTorch prints them. */
  override extraRepr(): string {
    return `${this.input_size}, ${this.hidden_size}${this.bias ? '' : ', bias=False'}`;
  }

  /**
   * One step of `mode` from `input` ((N, input) or unbatched (input)) and the states (zeros when null), batched
   * or not as the input is; each checked as PyTorch checks it.
   */
  protected step(mode: Mode, input: Tensor, states: Tensor[] | null): Hidden {
    if (input.ndim !== 1 && input.ndim !== 2) {
      throw new torch.AssertionError(
        `${this.constructor.name}: Expected input to be 1-D or 2-D but received ${input.ndim}-D tensor`,
      );
    }
    const batched = input.ndim === 2;
    const x = batched ? input : input.unsqueeze(0);
    const count = mode === 'LSTM' ? 2 : 1;
    const hx =
      states === null
        ? new Array<Tensor>(count).fill(torch.zeros([x.shape[0], this.hidden_size], { dtype: x.dtype }))
        : states.map((s) => (batched ? s : s.unsqueeze(0)));
    if (x.shape[1] !== this.input_size) {
      throw new torch.RuntimeError(`input has inconsistent input_size: got ${x.shape[1]} expected ${this.input_size}`);
    }
    for (const h of hx) {
      // PyTorch 1.13 names every state "hidden0" here, the LSTM's cell state too.
      if (h.shape[0] !== x.shape[0])
        throw new torch.RuntimeError(`Input batch size ${x.shape[0]} doesn't match hidden0 batch size ${h.shape[0]}`);
      if (h.shape[1] !== this.hidden_size) {
        throw new torch.RuntimeError(
          `hidden0 has inconsistent hidden_size: got ${h.shape[1]}, expected ${this.hidden_size}`,
        );
      }
    }
    const p: CellParams = { wIh: this.weight_ih, wHh: this.weight_hh, bIh: this.bias_ih, bHh: this.bias_hh };
    const out = cellStep(mode, F.linear(x, p.wIh, p.bIh), count === 2 ? [hx[0], hx[1]] : hx[0], p);
    if (batched) return out;
    return Array.isArray(out) ? [out[0].squeeze(0), out[1].squeeze(0)] : out.squeeze(0);
  }
}

/**
 * An Elman RNN cell (`torch.nn.RNNCell`): `h' = tanh(W_ih x + b_ih + W_hh h + b_hh)` (or relu).
 *
 * @example
 * ```ts
 * const cell = new nn.RNNCell(4, 3);
 * let h = torch.zeros(2, 3);
 * for (const x of torch.randn(5, 2, 4).unbind(0)) h = cell.forward(x, h);
 * console.log(cell, h.shape);
 * ```
 * ```text
 * RNNCell(4, 3) torch.Size([2, 3])
 * ```
 */
export class RNNCell extends RNNCellBase {
  /** `'tanh'` or `'relu'`. */
  readonly nonlinearity: 'tanh' | 'relu';

  /** `new nn.RNNCell(inputSize, hiddenSize, { bias, nonlinearity })`. */
  constructor(inputSize: number, hiddenSize: number, options?: { bias?: boolean; nonlinearity?: 'tanh' | 'relu' });
  constructor(inputSize: number, hiddenSize: number, bias?: boolean, nonlinearity?: 'tanh' | 'relu');
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    const o = torch.compat.pythonArgs<{ bias?: boolean; nonlinearity?: 'tanh' | 'relu' }>(
      'RNNCell',
      ['bias', 'nonlinearity'],
      args,
      0,
      2,
    );
    super('RNN_TANH', inputSize, hiddenSize, o.bias ?? true);
    this.nonlinearity = o.nonlinearity ?? 'tanh';
  }

  /** The sizes and options, as PyTorch prints them. */
  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === 'tanh' ? '' : `, nonlinearity=${this.nonlinearity}`);
  }

  /** The next hidden state from `input` and `hx` (zeros by default). */
  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const nonlinearity: string = this.nonlinearity;
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu')
      throw new torch.RuntimeError(`Unknown nonlinearity: ${nonlinearity}`);
    return this.step(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', input, hx === null ? null : [hx]) as Tensor;
  }
}

/**
 * A long short-term memory cell (`torch.nn.LSTMCell`): `forward(input, [h, c])` returns the next `[h, c]`.
 *
 * @example
 * ```ts
 * const cell = new nn.LSTMCell(4, 3);
 * let state: [torch.Tensor, torch.Tensor] = [torch.zeros(2, 3), torch.zeros(2, 3)];
 * for (const x of torch.randn(5, 2, 4).unbind(0)) state = cell.forward(x, state);
 * console.log(cell, state[0].shape, state[1].shape);
 * ```
 * ```text
 * LSTMCell(4, 3) torch.Size([2, 3]) torch.Size([2, 3])
 * ```
 */
export class LSTMCell extends RNNCellBase {
  /** `new nn.LSTMCell(inputSize, hiddenSize, { bias })`. */
  constructor(inputSize: number, hiddenSize: number, options?: { bias?: boolean });
  constructor(inputSize: number, hiddenSize: number, bias?: boolean);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    super('LSTM', inputSize, hiddenSize, biasArg('LSTMCell', args));
  }

  /** The next `[h, c]` from `input` and `[h, c]` (zeros by default). */
  override forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    return this.step('LSTM', input, hx) as [Tensor, Tensor];
  }
}

/** A gated recurrent unit cell (`torch.nn.GRUCell`): `forward(input, h)` returns the next `h`. */
export class GRUCell extends RNNCellBase {
  /** `new nn.GRUCell(inputSize, hiddenSize, { bias })`. */
  constructor(inputSize: number, hiddenSize: number, options?: { bias?: boolean });
  constructor(inputSize: number, hiddenSize: number, bias?: boolean);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    super('GRU', inputSize, hiddenSize, biasArg('GRUCell', args));
  }

  /** The next hidden state from `input` and `hx` (zeros by default). */
  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this.step('GRU', input, hx === null ? null : [hx]) as Tensor;
  }
}
