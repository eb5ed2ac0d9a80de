/** `nn.MultiheadAttention`: PyTorch's parameters, initialisation and state-dict keys, over `F.multiHeadAttentionForward`. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { Linear } from './linear.js';
import * as F from '../functional/index.js';
import { constant_, xavierNormal_, xavierUniform_ } from '../init.js';

/** The output projection's class: a Linear under the name PyTorch prints for it. */
export class NonDynamicallyQuantizableLinear extends Linear {}

/** MultiheadAttention's options, by PyTorch's keyword names. */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  /** Biases on the input and output projections (default true). */
  bias?: boolean;
  /** Learned bias rows appended to the keys and values (default false). */
  addBiasKv?: boolean;
  /** A row of zeros appended to the keys and values (default false). */
  addZeroAttn?: boolean;
  /** The keys' size, when it differs from `embedDim`. */
  kdim?: number | null;
  /** The values' size, when it differs from `embedDim`. */
  vdim?: number | null;
  /** Inputs and outputs as (batch, seq, feature) instead of (seq, batch, feature) (default false). */
  batchFirst?: boolean;
}

/** `forward`'s options, by PyTorch's keyword names. */
export interface MultiheadAttentionForwardOptions {
  /** `(N, S)`: true where a key is padding. */
  keyPaddingMask?: Tensor | null;
  /** Whether the attention weights are returned (default true). */
  needWeights?: boolean;
  /** `(L, S)` or `(N·heads, L, S)`: true (or an additive float) where a query may not attend to a key. */
  attnMask?: Tensor | null;
  /** Whether the returned weights are averaged over the heads (default true). */
  averageAttnWeights?: boolean;
}

/**
 * Multi-head attention (`torch.nn.MultiheadAttention`): `forward(query, key, value)` returns the attended values
 * and the attention weights (averaged over the heads), as PyTorch's does.
 *
 * @example
 * ```ts
 * torch.manualSeed(0);
 * const attention = new nn.MultiheadAttention(8, 2, { batchFirst: true });
 * const x = torch.randn(3, 5, 8);
 * const [out, weights] = attention.forward(x, x, x);
 * console.log(out.shape, weights?.shape);
 * console.log(Object.keys(attention.stateDict()).join(' '));
 * ```
 * ```text
 * torch.Size([3, 5, 8]) torch.Size([3, 5, 5])
 * in_proj_weight in_proj_bias out_proj.weight out_proj.bias
 * ```
 */
export class MultiheadAttention extends Module {
  /** The model's width, E. */
  readonly embedDim: number;
  /** The keys' width. */
  readonly kdim: number;
  /** The values' width. */
  readonly vdim: number;
  /** The number of heads (E must be a multiple). */
  readonly numHeads: number;
  /** Dropout on the attention weights. */
  readonly dropout: number;
  /** Whether inputs are (batch, seq, feature). */
  readonly batchFirst: boolean;
  /** E / numHeads. */
  readonly headDim: number;
  /** Whether the keys and values share E (one packed input projection). */
  private readonly sameEmbedDim: boolean;
  /** Whether a row of zeros is appended to the keys and values. */
  readonly addZeroAttn: boolean;
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare bias_k: Parameter | null;
  declare bias_v: Parameter | null;
  /** The output projection (`out_proj`, PyTorch's name, as the state dict spells it). */
  out_proj: NonDynamicallyQuantizableLinear;

  /** `new nn.MultiheadAttention(embedDim, numHeads, { dropout, bias, addBiasKv, addZeroAttn, kdim, vdim, batchFirst })`. */
  constructor(embedDim: number, numHeads: number, options?: MultiheadAttentionOptions);
  constructor(
    embedDim: number,
    numHeads: number,
    dropout?: number,
    bias?: boolean,
    addBiasKv?: boolean,
    addZeroAttn?: boolean,
    kdim?: number | null,
    vdim?: number | null,
    batchFirst?: boolean,
  );
  constructor(embedDim: number, numHeads: number, ...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<MultiheadAttentionOptions>(
      'MultiheadAttention',
      ['dropout', 'bias', 'addBiasKv', 'addZeroAttn', 'kdim', 'vdim', 'batchFirst'],
      args,
      0,
      2,
    );
    const bias = o.bias ?? true;
    this.embedDim = embedDim;
    this.kdim = o.kdim ?? embedDim;
    this.vdim = o.vdim ?? embedDim;
    this.sameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    this.numHeads = numHeads;
    this.dropout = o.dropout ?? 0;
    this.batchFirst = o.batchFirst ?? false;
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim)
      throw new torch.AssertionError('embed_dim must be divisible by num_heads');
    const empty = (...shape: number[]): Parameter => new Parameter(torch.empty(shape));
    if (this.sameEmbedDim) {
      this.in_proj_weight = empty(3 * embedDim, embedDim);
      this.registerParameter('q_proj_weight', null);
      this.registerParameter('k_proj_weight', null);
      this.registerParameter('v_proj_weight', null);
    } else {
      this.q_proj_weight = empty(embedDim, embedDim);
      this.k_proj_weight = empty(embedDim, this.kdim);
      this.v_proj_weight = empty(embedDim, this.vdim);
      this.registerParameter('in_proj_weight', null);
    }
    if (bias) this.in_proj_bias = empty(3 * embedDim);
    else this.registerParameter('in_proj_bias', null);
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias });
    if (o.addBiasKv ?? false) {
      this.bias_k = empty(1, 1, embedDim);
      this.bias_v = empty(1, 1, embedDim);
    } else {
      this.bias_k = null;
      this.bias_v = null;
    }
    this.addZeroAttn = o.addZeroAttn ?? false;
    this.resetParameters();
  }

  /** PyTorch's initialisation: Xavier-uniform projections, zero biases, Xavier-normal `biasK`/`biasV`. */
  resetParameters(): void {
    if (this.sameEmbedDim) xavierUniform_(this.in_proj_weight as Tensor);
    else for (const w of [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) xavierUniform_(w as Tensor);
    if (this.in_proj_bias !== null) {
      constant_(this.in_proj_bias, 0);
      if (this.out_proj.bias !== null) constant_(this.out_proj.bias, 0);
    }
    if (this.bias_k !== null) xavierNormal_(this.bias_k);
    if (this.bias_v !== null) xavierNormal_(this.bias_v);
  }

  /**
   * Attends from `query` to `key`/`value`: `[output, weights]`, the weights `null` with `needWeights: false`.
   * Shapes (batchFirst false): query (L, N, E), key (S, N, kdim), value (S, N, vdim) → (L, N, E) and (N, L, S).
   */
  override forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options: MultiheadAttentionForwardOptions = {},
  ): [Tensor, Tensor | null] {
    const batched = query.ndim === 3;
    let [q, k, v] = [query, key, value];
    if (this.batchFirst && batched) {
      // As PyTorch: the transposes keep the identities (query is key is value) the packed projection relies on.
      q = query.transpose(1, 0);
      k = key === query ? q : key.transpose(1, 0);
      v = value === key ? k : value.transpose(1, 0);
    }
    const [out, weights] = F.multiHeadAttentionForward(
      q,
      k,
      v,
      this.embedDim,
      this.numHeads,
      this.in_proj_weight,
      this.in_proj_bias,
      this.bias_k,
      this.bias_v,
      this.addZeroAttn,
      this.dropout,
      this.out_proj.weight,
      this.out_proj.bias,
      {
        training: this.training,
        keyPaddingMask: options.keyPaddingMask ?? null,
        needWeights: options.needWeights ?? true,
        attnMask: options.attnMask ?? null,
        averageAttnWeights: options.averageAttnWeights ?? true,
        useSeparateProjWeight: !this.sameEmbedDim,
        qProjWeight: this.q_proj_weight,
        kProjWeight: this.k_proj_weight,
        vProjWeight: this.v_proj_weight,
      },
    );
    return [this.batchFirst && batched ? out.transpose(1, 0) : out, weights];
  }
}
