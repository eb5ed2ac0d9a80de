/** Embedding. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/index.js';
import * as init from '../init.js';

export interface EmbeddingOptions {
  paddingIdx?: number | null;
  dtype?: torch.DType;
}

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Parameter;

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
      if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) throw new Error('Padding_idx must be within num_embeddings');
      if (paddingIdx < 0) paddingIdx += numEmbeddings;
    }
    this.paddingIdx = paddingIdx;
    this.weight = new Parameter(torch.empty([numEmbeddings, embeddingDim], { dtype: options.dtype ?? 'float32' }));
    init.normal_(this.weight);
    if (paddingIdx !== null) torch.noGrad(() => this.weight.select(0, paddingIdx as number).fill_(0));
  }

  override forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}
