/**
 * The recurrent layers `nn.RNN`, `nn.LSTM` and `nn.GRU`, computed as PyTorch's CPU implementation computes them
 * (aten/src/ATen/native/RNN.cpp): each layer's input projection over the whole sequence first, then a cell per time
 * step, the outputs stacked; the reverse direction over the reversed sequence, the two concatenated; dropout between
 * layers in training. Parameter names, shapes, initialisation and state dicts are PyTorch's.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/index.js';
import { type CellParams, type Hidden, type Mode, GATES, cellStep } from './rnn-step.js';

/** The options the recurrent layers share, by PyTorch's keyword names. */
export interface RNNOptions {
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Biases `b_ih` and `b_hh` (default true). */
  bias?: boolean;
  /** Inputs and outputs as (batch, seq, feature) instead of (seq, batch, feature) (default false). */
  batchFirst?: boolean;
  /** Dropout on the outputs of each layer but the last, in training (default 0). */
  dropout?: number;
  /** A second direction over the reversed sequence (default false). */
  bidirectional?: boolean;
  /** LSTM only: the size each hidden state is projected down to by `weight_hr` (default 0, none). */
  projSize?: number;
}

/** nn.RNN's options: the shared ones and the nonlinearity. */
export interface ElmanRNNOptions extends RNNOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

/** One direction of one layer over the whole sequence (seq, batch, feature): its outputs and last hidden state. */
function runDirection(mode: Mode, input: Tensor, hidden: Hidden, p: CellParams, reverse: boolean): [Tensor, Hidden] {
  const projected = F.linear(input, p.wIh, p.bIh).unbind(0);
  const steps = reverse ? [...projected].reverse() : projected;
  const outputs: Tensor[] = [];
  let h = hidden;
  for (const x of steps) {
    h = cellStep(mode, x, h, p);
    outputs.push(Array.isArray(h) ? h[0] : h);
  }
  if (reverse) outputs.reverse();
  return [torch.stack(outputs, 0), h];
}

/** What RNN, LSTM and GRU share: the stacked, possibly bidirectional, recurrence and PyTorch's parameter layout. */
abstract class RNNBase extends Module {
  /** The input's feature size. */
  readonly input_size: number;
  /** The hidden state's size. */
  readonly hidden_size: number;
  /** How many layers are stacked. */
  readonly num_layers: number;
  /** Whether the layers have biases. */
  readonly bias: boolean;
  /** Whether inputs are (batch, seq, feature). */
  readonly batch_first: boolean;
  /** Dropout between layers in training. */
  readonly dropout: number;
  /** Whether there is a reverse direction. */
  readonly bidirectional: boolean;
  /** The LSTM's projection size (0: none). */
  readonly proj_size: number;
  /** The cell: `RNN_TANH`, `RNN_RELU`, `LSTM` or `GRU`. */
  protected readonly mode: Mode;

  constructor(mode: Mode, inputSize: number, hiddenSize: number, o: RNNOptions) {
    if (mode !== 'LSTM' && o.projSize !== undefined)
      throw new torch.ValueError('proj_size argument is only supported for LSTM, not RNN or GRU');
    super();
    this.mode = mode;
    this.input_size = inputSize;
    this.hidden_size = hiddenSize;
    this.num_layers = o.numLayers ?? 1;
    this.bias = o.bias ?? true;
    this.batch_first = o.batchFirst ?? false;
    this.dropout = o.dropout ?? 0;
    this.bidirectional = o.bidirectional ?? false;
    this.proj_size = o.projSize ?? 0;
    if (this.proj_size < 0)
      throw new torch.ValueError('proj_size should be a positive integer or zero to disable projections');
    if (this.proj_size >= hiddenSize) throw new torch.ValueError('proj_size has to be smaller than hidden_size');
    if (!(this.dropout >= 0 && this.dropout <= 1)) {
      throw new torch.ValueError(
        'dropout should be a number in range [0, 1] representing the probability of an element being zeroed',
      );
    }
    if (this.dropout > 0 && this.num_layers === 1) {
      torch.warnOnce(
        `dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${this.dropout} and num_layers=${this.num_layers}`,
      );
    }
    const gates = GATES[mode] * hiddenSize;
    const outSize = this.outputSize;
    for (let layer = 0; layer < this.num_layers; layer++) {
      const layerInput = layer === 0 ? inputSize : outSize * this.directions;
      for (const suffix of this.suffixes) {
        this.registerParameter(`weight_ih_l${layer}${suffix}`, new Parameter(torch.empty(gates, layerInput)));
        this.registerParameter(`weight_hh_l${layer}${suffix}`, new Parameter(torch.empty(gates, outSize)));
        if (this.bias) {
          this.registerParameter(`bias_ih_l${layer}${suffix}`, new Parameter(torch.empty(gates)));
          this.registerParameter(`bias_hh_l${layer}${suffix}`, new Parameter(torch.empty(gates)));
        }
        if (this.proj_size > 0)
          this.registerParameter(
            `weight_hr_l${layer}${suffix}`,
            new Parameter(torch.empty(this.proj_size, hiddenSize)),
          );
      }
    }
    this.resetParameters();
  }

  /** The size of each hidden state h: the projection's when there is one. */
  protected get outputSize(): number {
    return this.proj_size > 0 ? this.proj_size : this.hidden_size;
  }

  /** 2 with a reverse direction, else 1. */
  protected get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  private get suffixes(): string[] {
    return this.bidirectional ? ['', '_reverse'] : [''];
  }

  /** PyTorch's initialisation: every weight and bias from U(-1/√hidden, 1/√hidden). */
  resetParameters(): void {
    const stdv = this.hidden_size > 0 ? 1 / Math.sqrt(this.hidden_size) : 0;
    for (const p of this.parameters()) torch.noGrad(() => p.uniform_(-stdv, stdv));
  }

  private cellParams(layer: number, suffix: string): CellParams {
    const get = (name: string): Tensor | null => this._parameters.get(`${name}_l${layer}${suffix}`) ?? null;
    return {
      wIh: get('weight_ih') as Tensor,
      wHh: get('weight_hh') as Tensor,
      bIh: get('bias_ih'),
      bHh: get('bias_hh'),
      wHr: get('weight_hr'),
    };
  }

  /** The recurrence over `input` from the initial states `h0` (and `c0`): the outputs and the final states. */
  protected run(input: Tensor, h0: Tensor | null, c0: Tensor | null): [Tensor, Tensor, Tensor | null] {
    const batched = input.ndim === 3;
    const expected = batched ? 3 : 2;
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new torch.ValueError(
        `${this.constructor.name}: Expected input to be 2-D or 3-D but received ${input.ndim}-D tensor`,
      );
    }
    let x = batched ? (this.batch_first ? input.transpose(0, 1) : input) : input.unsqueeze(1);
    const batch = x.shape[1];
    if (x.shape[2] !== this.input_size) {
      throw new torch.RuntimeError(
        `input.size(-1) must be equal to input_size. Expected ${this.input_size}, got ${x.shape[2]}`,
      );
    }
    const layers = this.num_layers * this.directions;
    const initial = (t: Tensor | null, size: number): Tensor => {
      if (t === null) return torch.zeros([layers, batch, size], { dtype: x.dtype });
      if (t.ndim !== expected) {
        throw new torch.RuntimeError(
          batched
            ? `For batched 3-D input, hx should also be 3-D but got ${t.ndim}-D tensor`
            : `For unbatched 2-D input, hx should also be 2-D but got ${t.ndim}-D tensor`,
        );
      }
      return batched ? t : t.unsqueeze(1);
    };
    const h = initial(h0, this.outputSize);
    const c = this.mode === 'LSTM' ? initial(c0, this.hidden_size) : null;
    const finalH: Tensor[] = [];
    const finalC: Tensor[] = [];
    for (let layer = 0; layer < this.num_layers; layer++) {
      const outputs: Tensor[] = [];
      this.suffixes.forEach((suffix, d) => {
        const k = layer * this.directions + d;
        const start: Hidden = c === null ? h.select(0, k) : [h.select(0, k), c.select(0, k)];
        const [out, last] = runDirection(this.mode, x, start, this.cellParams(layer, suffix), d === 1);
        outputs.push(out);
        if (Array.isArray(last)) {
          finalH.push(last[0]);
          finalC.push(last[1]);
        } else finalH.push(last);
      });
      x = outputs.length === 1 ? outputs[0] : torch.cat(outputs, -1);
      if (this.dropout > 0 && this.training && layer < this.num_layers - 1) x = F.dropout(x, { p: this.dropout });
    }
    let output = this.batch_first && batched ? x.transpose(0, 1) : x;
    let hn = torch.stack(finalH, 0);
    let cn = c === null ? null : torch.stack(finalC, 0);
    if (!batched) {
      output = output.squeeze(1);
      hn = hn.squeeze(1);
      cn = cn?.squeeze(1) ?? null;
    }
    return [output, hn, cn];
  }

  /** The sizes and options, as PyTorch prints them. */
  override extraRepr(): string {
    let s = `${this.input_size}, ${this.hidden_size}`;
    if (this.proj_size !== 0) s += `, proj_size=${this.proj_size}`;
    if (this.num_layers !== 1) s += `, num_layers=${this.num_layers}`;
    if (!this.bias) s += ', bias=False';
    if (this.batch_first) s += ', batch_first=True';
    if (this.dropout !== 0) s += `, dropout=${this.dropout}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}

/** The shared options from PyTorch's positional order or an options object. */
function rnnArgs<O extends RNNOptions>(cls: string, names: readonly (keyof O & string)[], args: readonly unknown[]): O {
  return torch.compat.pythonArgs<O>(cls, names, args, 0, 2);
}

const SHARED = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional'] as const;

/**
 * An Elman RNN (`torch.nn.RNN`): `h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)` (or relu). `forward(input, h0)`
 * returns `[output, hN]`.
 */
export class RNN extends RNNBase {
  /** `'tanh'` or `'relu'`. */
  readonly nonlinearity: 'tanh' | 'relu';

  /** `new nn.RNN(inputSize, hiddenSize, { nonlinearity, numLayers, bias, batchFirst, dropout, bidirectional })`. */
  constructor(inputSize: number, hiddenSize: number, options?: ElmanRNNOptions);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    const o = rnnArgs<ElmanRNNOptions>('RNN', ['numLayers', 'nonlinearity', ...SHARED.slice(1)], args);
    const nonlinearity = o.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu')
      throw new torch.ValueError(`Unknown nonlinearity '${String(nonlinearity)}'. Select from 'tanh' or 'relu'.`);
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, o);
    this.nonlinearity = nonlinearity;
  }

  /** The recurrence over `input`: `[output, hN]`. */
  override forward(input: Tensor, h0: Tensor | null = null): [Tensor, Tensor] {
    const [output, hn] = this.run(input, h0, null);
    return [output, hn];
  }
}

/**
 * A long short-term memory (`torch.nn.LSTM`). `forward(input, [h0, c0])` returns `[output, [hN, cN]]`.
 *
 * @example
 * ```ts
 * const lstm = new nn.LSTM(4, 3, { numLayers: 2, batchFirst: true });
 * const [out, [h, c]] = lstm.forward(torch.randn(2, 5, 4));
 * console.log(out.shape, h.shape, c.shape);
 * ```
 * ```text
 * torch.Size([2, 5, 3]) torch.Size([2, 2, 3]) torch.Size([2, 2, 3])
 * ```
 */
export class LSTM extends RNNBase {
  /** `new nn.LSTM(inputSize, hiddenSize, { numLayers, bias, batchFirst, dropout, bidirectional })`. */
  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    super('LSTM', inputSize, hiddenSize, rnnArgs<RNNOptions>('LSTM', [...SHARED, 'projSize'], args));
  }

  /** The recurrence over `input` from `[h0, c0]` (zeros by default): `[output, [hN, cN]]`. */
  override forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    const [output, hn, cn] = this.run(input, hx?.[0] ?? null, hx?.[1] ?? null);
    return [output, [hn, cn as Tensor]];
  }
}

/** A gated recurrent unit (`torch.nn.GRU`). `forward(input, h0)` returns `[output, hN]`. */
export class GRU extends RNNBase {
  /** `new nn.GRU(inputSize, hiddenSize, { numLayers, bias, batchFirst, dropout, bidirectional })`. */
  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    super('GRU', inputSize, hiddenSize, rnnArgs<RNNOptions>('GRU', SHARED, args));
  }

  /** The recurrence over `input`: `[output, hN]`. */
  override forward(input: Tensor, h0: Tensor | null = null): [Tensor, Tensor] {
    const [output, hn] = this.run(input, h0, null);
    return [output, hn];
  }
}
