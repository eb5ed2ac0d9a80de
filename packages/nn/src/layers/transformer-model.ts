/**
 * `nn.Transformer`: PyTorch 1.13's encoder–decoder model — an encoder stack with a final norm, whose output the
 * decoder stack attends over — with PyTorch's submodule names (`encoder.layers.0.self_attn.in_proj_weight`, ...).
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { xavierUniform_ } from '../init.js';
import { LayerNorm } from './norm.js';
import {
  type DecoderMasks,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
  type TransformerEncoderLayerOptions,
} from './transformer.js';

/** Transformer's options, by PyTorch's keyword names. */
export interface TransformerOptions extends TransformerEncoderLayerOptions {
  /** The model's width, E (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
  /** An encoder to use instead of the stack made from the other options. */
  customEncoder?: Module | null;
  /** A decoder to use instead of the stack made from the other options. */
  customDecoder?: Module | null;
}

/** `forward`'s masks, by PyTorch's keyword names: the encoder's, then the decoder's. */
export interface TransformerMasks extends DecoderMasks {
  /** `(S, S)` or `(N·heads, S, S)`: where a source position may not attend to another. */
  srcMask?: Tensor | null;
  /** `(N, S)`: true where a source position is padding. */
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * The encoder–decoder Transformer (`torch.nn.Transformer`): `decoder(tgt, encoder(src))`. Every parameter of more
 * than one dim starts Xavier-uniform, as in PyTorch.
 *
 * @example
 * ```ts
 * const model = new nn.Transformer({ dModel: 16, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 32 });
 * const src = torch.randn(7, 3, 16); // (S, N, E)
 * const tgt = torch.randn(5, 3, 16); // (T, N, E)
 * const out = model.forward(src, tgt, { tgtMask: nn.Transformer.generateSquareSubsequentMask(5) });
 * console.log(out.shape);
 * console.log(nn.Transformer.generateSquareSubsequentMask(3));
 * ```
 * ```text
 * torch.Size([5, 3, 16])
 * tensor([[0., -inf, -inf],
 *         [0., 0., -inf],
 *         [0., 0., 0.]])
 * ```
 */
export class Transformer extends Module {
  /** The encoder: a TransformerEncoder of `numEncoderLayers` layers and a final LayerNorm, or the custom one. */
  encoder: Module;
  /** The decoder: a TransformerDecoder of `numDecoderLayers` layers and a final LayerNorm, or the custom one. */
  decoder: Module;
  /** The model's width, E. */
  readonly d_model: number;
  /** Attention heads. */
  readonly nhead: number;
  /** Whether inputs are (batch, seq, feature). */
  readonly batch_first: boolean;

  /** `new nn.Transformer({ dModel, nhead, numEncoderLayers, numDecoderLayers, dimFeedforward, dropout, ... })`. */
  constructor(options?: TransformerOptions);
  constructor(
    dModel?: number,
    nhead?: number,
    numEncoderLayers?: number,
    numDecoderLayers?: number,
    dimFeedforward?: number,
    dropout?: number,
    activation?: 'relu' | 'gelu' | ((x: Tensor) => Tensor),
    customEncoder?: Module | null,
    customDecoder?: Module | null,
    layerNormEps?: number,
    batchFirst?: boolean,
    normFirst?: boolean,
  );
  constructor(...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<TransformerOptions>(
      'Transformer',
      [
        'dModel',
        'nhead',
        'numEncoderLayers',
        'numDecoderLayers',
        'dimFeedforward',
        'dropout',
        'activation',
        'customEncoder',
        'customDecoder',
        'layerNormEps',
        'batchFirst',
        'normFirst',
      ],
      args,
    );
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, layerNormEps = 1e-5 } = o;
    const layerOptions: TransformerEncoderLayerOptions = {
      dimFeedforward: o.dimFeedforward ?? 2048,
      dropout: o.dropout ?? 0.1,
      activation: o.activation ?? 'relu',
      layerNormEps,
      batchFirst: o.batchFirst ?? false,
      normFirst: o.normFirst ?? false,
    };
    this.encoder =
      o.customEncoder ??
      new TransformerEncoder(
        new TransformerEncoderLayer(dModel, nhead, layerOptions),
        numEncoderLayers,
        new LayerNorm(dModel, { eps: layerNormEps }),
      );
    this.decoder =
      o.customDecoder ??
      new TransformerDecoder(
        new TransformerDecoderLayer(dModel, nhead, layerOptions),
        numDecoderLayers,
        new LayerNorm(dModel, { eps: layerNormEps }),
      );
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p);
    this.d_model = dModel;
    this.nhead = nhead;
    this.batch_first = layerOptions.batchFirst ?? false;
  }

  /**
   * The decoder's output for `tgt`, (T, N, E) (or (N, T, E) batch-first, or (T, E)), attending over the encoder's
   * output for `src`, (S, N, E).
   */
  override forward(src: Tensor, tgt: Tensor, masks: TransformerMasks = {}): Tensor {
    const batchDim = this.batch_first ? 0 : 1;
    if (src.ndim === 3 && src.shape[batchDim] !== tgt.shape[batchDim])
      throw new torch.RuntimeError('the batch number of src and tgt must be equal');
    if (src.shape[src.ndim - 1] !== this.d_model || tgt.shape[tgt.ndim - 1] !== this.d_model)
      throw new torch.RuntimeError('the feature number of src and tgt must be equal to d_model');
    const memory = this.encoder.forward(src, {
      mask: masks.srcMask ?? null,
      srcKeyPaddingMask: masks.srcKeyPaddingMask ?? null,
    }) as Tensor;
    return this.decoder.forward(tgt, memory, {
      tgtMask: masks.tgtMask ?? null,
      memoryMask: masks.memoryMask ?? null,
      tgtKeyPaddingMask: masks.tgtKeyPaddingMask ?? null,
      memoryKeyPaddingMask: masks.memoryKeyPaddingMask ?? null,
    }) as Tensor;
  }

  /** A float (sz, sz) mask that hides each position's successors: -inf above the diagonal, 0 elsewhere. */
  static generateSquareSubsequentMask(sz: number): Tensor {
    return torch.full([sz, sz], -Infinity).triu(1);
  }
}
