/**
 * `nn.TransformerEncoderLayer` and `nn.TransformerEncoder`: PyTorch 1.13's post-norm (or `normFirst`) encoder block
 * — self-attention then a feed-forward network, each added back to its input — with PyTorch's submodule names, so
 * state dicts load both ways.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import * as F from '../functional/index.js';
import { MultiheadAttention } from './attention.js';
import { Linear } from './linear.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './norm.js';
import { ModuleList } from './container.js';

/** TransformerEncoderLayer's options, by PyTorch's keyword names. */
export interface TransformerEncoderLayerOptions {
  /** The feed-forward network's width (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, in the feed-forward network and after it (default 0.1). */
  dropout?: number;
  /** The feed-forward activation: `'relu'` (default), `'gelu'`, or a function. */
  activation?: 'relu' | 'gelu' | ((x: Tensor) => Tensor);
  /** The layer norms' eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs as (batch, seq, feature) instead of (seq, batch, feature) (default false). */
  batchFirst?: boolean;
  /** Normalise before each block instead of after (default false). */
  normFirst?: boolean;
}

/** `forward`'s masks, by PyTorch's keyword names. */
export interface EncoderMasks {
  /** `(S, S)` or `(N·heads, S, S)`: where a position may not attend to another. */
  srcMask?: Tensor | null;
  /** `(N, S)`: true where a position is padding. */
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * One Transformer encoder block (`torch.nn.TransformerEncoderLayer`): `x + selfAttention(x)` then `x + ff(x)`, each
 * normalised after (or, with `normFirst`, its input before).
 *
 * @example
 * ```ts
 * const layer = new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * console.log(layer.forward(torch.randn(2, 5, 16)).shape);
 * ```
 * ```text
 * torch.Size([2, 5, 16])
 * ```
 */
export class TransformerEncoderLayer extends Module {
  /** The self-attention block (`self_attn`). */
  self_attn: MultiheadAttention;
  /** The feed-forward network's first layer. */
  linear1: Linear;
  /** Dropout inside the feed-forward network. */
  dropout: Dropout;
  /** The feed-forward network's second layer. */
  linear2: Linear;
  /** Whether each block's input is normalised (rather than its output). */
  readonly norm_first: boolean;
  /** The norm of the attention block. */
  norm1: LayerNorm;
  /** The norm of the feed-forward block. */
  norm2: LayerNorm;
  /** Dropout after attention. */
  dropout1: Dropout;
  /** Dropout after the feed-forward network. */
  dropout2: Dropout;
  /** The feed-forward activation. */
  readonly activation: (x: Tensor) => Tensor;
  /** The arguments this layer was made with (TransformerEncoder makes its copies from them). */
  readonly config: [number, number, TransformerEncoderLayerOptions];

  /** `new nn.TransformerEncoderLayer(dModel, nhead, { dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst })`. */
  constructor(dModel: number, nhead: number, options?: TransformerEncoderLayerOptions);
  constructor(
    dModel: number,
    nhead: number,
    dimFeedforward?: number,
    dropout?: number,
    activation?: 'relu' | 'gelu' | ((x: Tensor) => Tensor),
    layerNormEps?: number,
    batchFirst?: boolean,
    normFirst?: boolean,
  );
  constructor(dModel: number, nhead: number, ...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<TransformerEncoderLayerOptions>(
      'TransformerEncoderLayer',
      ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst'],
      args,
      0,
      2,
    );
    const { dimFeedforward = 2048, dropout = 0.1, activation = 'relu', layerNormEps = 1e-5 } = o;
    this.config = [dModel, nhead, { ...o }];
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst: o.batchFirst ?? false });
    this.linear1 = new Linear(dModel, dimFeedforward);
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel);
    this.norm_first = o.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.activation = activationOf(activation);
  }

  /** The block applied to `src`, (S, N, E) (or (N, S, E) batch-first, or (S, E)). */
  override forward(src: Tensor, masks: EncoderMasks = {}): Tensor {
    const attend = (x: Tensor): Tensor => {
      const [out] = this.self_attn.forward(x, x, x, {
        attnMask: masks.srcMask ?? null,
        keyPaddingMask: masks.srcKeyPaddingMask ?? null,
        needWeights: false,
      });
      return this.dropout1.forward(out);
    };
    const feedForward = (x: Tensor): Tensor =>
      this.dropout2.forward(this.linear2.forward(this.dropout.forward(this.activation(this.linear1.forward(x)))));
    if (this.norm_first) {
      const x = src.add(attend(this.norm1.forward(src)));
      return x.add(feedForward(this.norm2.forward(x)));
    }
    const x = this.norm1.forward(src.add(attend(src)));
    return this.norm2.forward(x.add(feedForward(x)));
  }
}

function activationOf(activation: TransformerEncoderLayerOptions['activation']): (x: Tensor) => Tensor {
  if (typeof activation === 'function') return activation;
  if (activation === 'relu') return (x) => F.relu(x);
  if (activation === 'gelu') return (x) => F.gelu(x);
  throw new torch.RuntimeError(`activation should be relu/gelu, not ${String(activation)}`);
}

/**
 * A stack of `numLayers` copies of `encoderLayer` (`torch.nn.TransformerEncoder`), each starting from the same
 * parameters, as PyTorch's deep copies do; then `norm`, if given.
 */
export class TransformerEncoder extends Module {
  /** The layers (`layers.0`, `layers.1`, ... in the state dict). */
  layers: ModuleList;
  /** How many layers. */
  readonly num_layers: number;
  /** The final norm, or null. */
  declare norm: Module | null;

  /** `new nn.TransformerEncoder(encoderLayer, numLayers, norm = null)`. */
  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, norm: Module | null = null) {
    super();
    const [dModel, nhead, options] = encoderLayer.config;
    const state = encoderLayer.stateDict();
    this.layers = new ModuleList(
      Array.from({ length: numLayers }, () => {
        const copy = new TransformerEncoderLayer(dModel, nhead, options);
        // Loading copies the values: each layer owns its parameters, as PyTorch's deep copies do.
        copy.loadStateDict(state);
        return copy;
      }),
    );
    this.num_layers = numLayers;
    if (norm === null) this.registerModule('norm', null);
    else this.norm = norm;
  }

  /** The layers applied in turn to `src`, then the norm; `mask` is each layer's `srcMask`. */
  override forward(src: Tensor, masks: { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null } = {}): Tensor {
    const layerMasks: EncoderMasks = {
      srcMask: masks.mask ?? null,
      srcKeyPaddingMask: masks.srcKeyPaddingMask ?? null,
    };
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, layerMasks);
    return this.norm === null ? x : (this.norm.forward(x) as Tensor);
  }
}
