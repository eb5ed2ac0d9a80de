/**
 * PyTorch 1.13's Transformer blocks, post-norm (or `normFirst`), with PyTorch's submodule names, so state dicts load
 * both ways: `nn.TransformerEncoderLayer` (self-attention, then a feed-forward network, each added back to its
 * input), `nn.TransformerDecoderLayer` (self-attention, attention over the encoder's output, the feed-forward
 * network), and their stacks `nn.TransformerEncoder` and `nn.TransformerDecoder`.
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

/** TransformerEncoderLayer's and TransformerDecoderLayer's options, by PyTorch's keyword names. */
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

/** The decoder's parts beyond the encoder's. */
interface MemoryParts {
  multihead_attn: MultiheadAttention;
  norm3: LayerNorm;
  dropout3: Dropout;
}

/**
 * What the encoder and decoder layers share: the options read as PyTorch reads them, self-attention, the
 * feed-forward network, the norms and dropouts. A decoder (`attendsMemory`) also attends over the encoder's output:
 * its `multihead_attn`, `norm3` and `dropout3` are made here too, each where PyTorch makes it, so that the state
 * dict lists the submodules in PyTorch's order.
 */
abstract class TransformerLayer extends Module {
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
  /** The norm of the (self-)attention block. */
  norm1: LayerNorm;
  /** The norm of the next block: the feed-forward network (encoder), the attention over the memory (decoder). */
  norm2: LayerNorm;
  /** Dropout after self-attention. */
  dropout1: Dropout;
  /** Dropout after the next block. */
  dropout2: Dropout;
  /** The feed-forward activation. */
  readonly activation: (x: Tensor) => Tensor;
  /** The arguments this layer was made with (the stacks make their copies from them). */
  readonly config: [number, number, TransformerEncoderLayerOptions];

  /** Whether the layer also attends over a memory (the decoder's). */
  protected static readonly attendsMemory: boolean = false;

  /**
   * `new nn.TransformerEncoderLayer(dModel, nhead, { dimFeedforward, dropout, activation, layerNormEps, batchFirst,
   * normFirst })`, and the decoder layer alike.
   */
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
    const kind = new.target;
    const withMemory = kind.attendsMemory;
    const o = torch.compat.pythonArgs<TransformerEncoderLayerOptions>(
      kind.name,
      ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst'],
      args,
      0,
      2,
    );
    const { dimFeedforward = 2048, dropout = 0.1, activation = 'relu', layerNormEps = 1e-5 } = o;
    const attention = (): MultiheadAttention =>
      new MultiheadAttention(dModel, nhead, { dropout, batchFirst: o.batchFirst ?? false });
    const norm = (): LayerNorm => new LayerNorm(dModel, { eps: layerNormEps });
    this.config = [dModel, nhead, { ...o }];
    this.self_attn = attention();
    if (withMemory) Object.assign(this, { multihead_attn: attention() } satisfies Partial<MemoryParts>);
    this.linear1 = new Linear(dModel, dimFeedforward);
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel);
    this.norm_first = o.normFirst ?? false;
    this.norm1 = norm();
    this.norm2 = norm();
    if (withMemory) Object.assign(this, { norm3: norm() } satisfies Partial<MemoryParts>);
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    if (withMemory) Object.assign(this, { dropout3: new Dropout(dropout) } satisfies Partial<MemoryParts>);
    this.activation = activationOf(activation);
  }

  /** The feed-forward network, before its last dropout (PyTorch's `_ff_block`). */
  protected feedForward(x: Tensor): Tensor {
    return this.linear2.forward(this.dropout.forward(this.activation(this.linear1.forward(x))));
  }

  /** `attention(query, keyValue)` with the masks, its output through `dropout` (PyTorch's `_sa_block`, `_mha_block`). */
  protected attend(
    attention: MultiheadAttention,
    query: Tensor,
    keyValue: Tensor,
    attnMask: Tensor | null | undefined,
    keyPaddingMask: Tensor | null | undefined,
    dropout: Dropout,
  ): Tensor {
    const [out] = attention.forward(query, keyValue, keyValue, {
      attnMask: attnMask ?? null,
      keyPaddingMask: keyPaddingMask ?? null,
      needWeights: false,
    });
    return dropout.forward(out);
  }
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
export class TransformerEncoderLayer extends TransformerLayer {
  /** The block applied to `src`, (S, N, E) (or (N, S, E) batch-first, or (S, E)). */
  override forward(src: Tensor, masks: EncoderMasks = {}): Tensor {
    const attend = (x: Tensor): Tensor =>
      this.attend(this.self_attn, x, x, masks.srcMask, masks.srcKeyPaddingMask, this.dropout1);
    const feedForward = (x: Tensor): Tensor => this.dropout2.forward(this.feedForward(x));
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
 * The layers and final norm of a stack: `numLayers` copies of `layer`, made from its arguments and loaded with its
 * values, so that each owns its parameters and starts from the same ones, as PyTorch's deep copies do.
 */
abstract class TransformerStack<L extends TransformerLayer> extends Module {
  /** The layers (`layers.0`, `layers.1`, ... in the state dict). */
  layers: ModuleList;
  /** How many layers. */
  readonly num_layers: number;
  /** The final norm, or null. */
  declare norm: Module | null;

  /** `new nn.TransformerEncoder(encoderLayer, numLayers, norm = null)`, and the decoder alike. */
  constructor(layer: L, numLayers: number, norm: Module | null = null) {
    super();
    const state = layer.stateDict();
    const make = layer.constructor as new (...config: TransformerLayer['config']) => L;
    this.layers = new ModuleList(
      Array.from({ length: numLayers }, () => {
        const copy = new make(...layer.config);
        copy.loadStateDict(state);
        return copy;
      }),
    );
    this.num_layers = numLayers;
    if (norm === null) this.registerModule('norm', null);
    else this.norm = norm;
  }

  /** `x` through the final norm, if there is one. */
  protected normalized(x: Tensor): Tensor {
    return this.norm === null ? x : (this.norm.forward(x) as Tensor);
  }
}

/**
 * A stack of `numLayers` copies of `encoderLayer` (`torch.nn.TransformerEncoder`), each starting from its
 * parameters; then `norm`, if given.
 */
export class TransformerEncoder extends TransformerStack<TransformerEncoderLayer> {
  /** The layers applied in turn to `src`, then the norm; `mask` is each layer's `srcMask`. */
  override forward(src: Tensor, masks: { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null } = {}): Tensor {
    const layerMasks: EncoderMasks = {
      srcMask: masks.mask ?? null,
      srcKeyPaddingMask: masks.srcKeyPaddingMask ?? null,
    };
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, layerMasks);
    return this.normalized(x);
  }
}

/** TransformerDecoderLayer's `forward` masks, by PyTorch's keyword names. */
export interface DecoderMasks {
  /** `(T, T)` or `(N·heads, T, T)`: where a target position may not attend to another (a causal mask). */
  tgtMask?: Tensor | null;
  /** `(T, S)`: where a target position may not attend to a position of the memory. */
  memoryMask?: Tensor | null;
  /** `(N, T)`: true where a target position is padding. */
  tgtKeyPaddingMask?: Tensor | null;
  /** `(N, S)`: true where a position of the memory is padding. */
  memoryKeyPaddingMask?: Tensor | null;
}

/**
 * One Transformer decoder block (`torch.nn.TransformerDecoderLayer`): `x + selfAttention(x)`, then
 * `x + attention(x, memory)` over the encoder's output, then `x + ff(x)`, each normalised after (or, with
 * `normFirst`, its input before).
 *
 * @example
 * ```ts
 * const layer = new nn.TransformerDecoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * const memory = torch.randn(2, 7, 16);
 * console.log(layer.forward(torch.randn(2, 5, 16), memory).shape);
 * ```
 * ```text
 * torch.Size([2, 5, 16])
 * ```
 */
export class TransformerDecoderLayer extends TransformerLayer implements MemoryParts {
  /** The attention over the memory (`multihead_attn`). */
  declare multihead_attn: MultiheadAttention;
  /** The norm of the feed-forward block. */
  declare norm3: LayerNorm;
  /** Dropout after the feed-forward network. */
  declare dropout3: Dropout;

  protected static override readonly attendsMemory: boolean = true;

  /** The block applied to `tgt`, (T, N, E) (or (N, T, E) batch-first, or (T, E)), attending over `memory` (S rows). */
  override forward(tgt: Tensor, memory: Tensor, masks: DecoderMasks = {}): Tensor {
    const selfAttend = (x: Tensor): Tensor =>
      this.attend(this.self_attn, x, x, masks.tgtMask, masks.tgtKeyPaddingMask, this.dropout1);
    const attendMemory = (x: Tensor): Tensor =>
      this.attend(this.multihead_attn, x, memory, masks.memoryMask, masks.memoryKeyPaddingMask, this.dropout2);
    const feedForward = (x: Tensor): Tensor => this.dropout3.forward(this.feedForward(x));
    let x = tgt;
    if (this.norm_first) {
      x = x.add(selfAttend(this.norm1.forward(x)));
      x = x.add(attendMemory(this.norm2.forward(x)));
      return x.add(feedForward(this.norm3.forward(x)));
    }
    x = this.norm1.forward(x.add(selfAttend(x)));
    x = this.norm2.forward(x.add(attendMemory(x)));
    return this.norm3.forward(x.add(feedForward(x)));
  }
}

/**
 * A stack of `numLayers` copies of `decoderLayer` (`torch.nn.TransformerDecoder`), each starting from its
 * parameters and attending over the same memory; then `norm`, if given.
 */
export class TransformerDecoder extends TransformerStack<TransformerDecoderLayer> {
  /** The layers applied in turn to `tgt`, each attending over `memory` with `masks`, then the norm. */
  override forward(tgt: Tensor, memory: Tensor, masks: DecoderMasks = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = (layer as TransformerDecoderLayer).forward(x, memory, masks);
    return this.normalized(x);
  }
}
