/** Embedding and EmbeddingBag. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/index.js';
import * as init from '../init.js';

/** Embedding's options, by PyTorch's keyword names. */
export interface EmbeddingOptions {
  /** An index whose row starts at zero and gets no gradient. */
  paddingIdx?: number | null;
  /** The weight's dtype (default float32). */
  dtype?: torch.DType;
}

/**
 * A lookup table: each integer index in the input becomes the row of `weight` at that index.
 *
 * @example
 * ```ts
 * const emb = new nn.Embedding(10, 3, { paddingIdx: 0 });
 * console.log(emb);
 * const out = emb.forward(torch.tensor([[0, 2], [4, 0]]));
 * console.log(out.shape);
 * console.log(out.index(0, 0));
 * ```
 * ```text
 * Embedding(10, 3, padding_idx=0)
 * torch.Size([2, 2, 3])
 * tensor([0., 0., 0.], grad_fn=<SelectBackward0>)
 * ```
 */
export class Embedding extends Module {
  /** The number of rows (the vocabulary size). */
  readonly numEmbeddings: number;
  /** The length of each row. */
  readonly embeddingDim: number;
  /** The padding index (made non-negative), or `null`. */
  readonly paddingIdx: number | null;
  /** The table, `[numEmbeddings, embeddingDim]`, initialised from N(0, 1). */
  weight: Parameter;

  /** `new nn.Embedding(numEmbeddings, embeddingDim, { paddingIdx })`. */
  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingOptions);
  /** PyTorch's positional order: `new nn.Embedding(1000, 64, 0)`. */
  constructor(numEmbeddings: number, embeddingDim: number, paddingIdx?: number | null, options?: EmbeddingOptions);
  constructor(numEmbeddings: number, embeddingDim: number, ...args: unknown[]) {
    super();
    const options = torch.compat.pythonArgs<EmbeddingOptions>('Embedding', ['paddingIdx'], args, 0, 2);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    let paddingIdx = options.paddingIdx ?? null;
    if (paddingIdx !== null) {
      if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)
        throw new Error('Padding_idx must be within num_embeddings');
      if (paddingIdx < 0) paddingIdx += numEmbeddings;
    }
    this.paddingIdx = paddingIdx;
    this.weight = new Parameter(torch.empty([numEmbeddings, embeddingDim], { dtype: options.dtype ?? 'float32' }));
    init.normal_(this.weight);
    if (paddingIdx !== null) torch.noGrad(() => this.weight.select(0, paddingIdx).fill_(0));
  }

  /** The rows of `weight` at the indices in `input` (shape `[...input.shape, embeddingDim]`). */
  override forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  /** The sizes (and padding index), as PyTorch prints them. */
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}

/** EmbeddingBag's options, by PyTorch's keyword names. */
export interface EmbeddingBagLayerOptions {
  /** `'mean'` (default), `'sum'` or `'max'`. */
  mode?: torch.EmbeddingBagMode;
  /** Whether `offsets` ends with the input's length. */
  includeLastOffset?: boolean;
  /** An index whose row starts at zero, takes no part in its bag and gets no gradient. */
  paddingIdx?: number | null;
  /** The weight's dtype (default float32). */
  dtype?: torch.DType;
}

/**
 * Sums, means or maxima of bags of embeddings without the (bags × length × dim) intermediate
 * (`torch.nn.EmbeddingBag`): a 2-D input's rows are the bags, or a 1-D input is cut into bags at `offsets`.
 *
 * @example
 * ```ts
 * const bag = new nn.EmbeddingBag(10, 3, { mode: 'sum' });
 * console.log(bag);
 * console.log(bag.forward(torch.tensor([1, 2, 4, 5, 4]), torch.tensor([0, 2])).shape);
 * ```
 * ```text
 * EmbeddingBag(10, 3, mode=sum)
 * torch.Size([2, 3])
 * ```
 */
export class EmbeddingBag extends Module {
  /** The number of rows. */
  readonly numEmbeddings: number;
  /** The length of each row. */
  readonly embeddingDim: number;
  /** How each bag's rows are combined. */
  readonly mode: torch.EmbeddingBagMode;
  /** Whether `offsets` ends with the input's length. */
  readonly includeLastOffset: boolean;
  /** The padding index (made non-negative), or `null`. */
  readonly paddingIdx: number | null;
  /** The table, `[numEmbeddings, embeddingDim]`, initialised from N(0, 1). */
  weight: Parameter;

  /** `new nn.EmbeddingBag(numEmbeddings, embeddingDim, { mode, includeLastOffset, paddingIdx })`. */
  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingBagLayerOptions = {}) {
    super();
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.mode = options.mode ?? 'mean';
    this.includeLastOffset = options.includeLastOffset ?? false;
    let paddingIdx = options.paddingIdx ?? null;
    if (paddingIdx !== null) {
      if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)
        throw new torch.AssertionError('padding_idx must be within num_embeddings');
      if (paddingIdx < 0) paddingIdx += numEmbeddings;
    }
    this.paddingIdx = paddingIdx;
    this.weight = new Parameter(torch.empty([numEmbeddings, embeddingDim], { dtype: options.dtype ?? 'float32' }));
    init.normal_(this.weight);
    if (paddingIdx !== null) torch.noGrad(() => this.weight.select(0, paddingIdx).fill_(0));
  }

  /** Each bag's combination: the rows of a 2-D `input`, or a 1-D `input` cut at `offsets`. */
  override forward(input: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    return F.embeddingBag(input, this.weight, {
      offsets,
      mode: this.mode,
      perSampleWeights,
      includeLastOffset: this.includeLastOffset,
      paddingIdx: this.paddingIdx,
    });
  }

  /** The sizes, mode and padding index, as PyTorch prints them. */
  override extraRepr(): string {
    const padding = this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : '';
    return `${this.numEmbeddings}, ${this.embeddingDim}, mode=${this.mode}${padding}`;
  }
}
