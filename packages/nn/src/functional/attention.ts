/**
 * `F.multiHeadAttentionForward`: PyTorch 1.13's `multi_head_attention_forward`, step for step — the packed (or
 * separate) input projections, the masks merged into one additive mask, scaled dot products per head by `bmm`,
 * softmax, dropout, the output projection — so the graph and the gradients are PyTorch's.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { linear } from './linear.js';
import { dropout } from './dropout.js';
import { pad } from './shape.js';
import { torchSize } from './util.js';

/** The keyword arguments of `multi_head_attention_forward`, by PyTorch's names in camelCase. */
export interface MultiHeadAttentionOptions {
  /** Whether dropout applies (default true). */
  training?: boolean;
  /** `(N, S)`: true (or -inf) where a key is padding and takes no attention. */
  keyPaddingMask?: Tensor | null;
  /** Whether the attention weights are returned too (default true). */
  needWeights?: boolean;
  /** `(L, S)` or `(N·heads, L, S)`: true (or an additive float) where a query may not attend to a key. */
  attnMask?: Tensor | null;
  /** Separate query, key and value projections (when the key's or value's size differs from the query's). */
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  /** Whether the returned weights are averaged over the heads (default true). */
  averageAttnWeights?: boolean;
}

/** q, k and v projected: one linear over the packed weight for self-attention, as PyTorch's `_in_projection_packed`. */
function projectPacked(q: Tensor, k: Tensor, v: Tensor, w: Tensor, b: Tensor | null): Tensor[] {
  const E = q.shape[q.ndim - 1];
  if (k === v) {
    if (q === k) return linear(q, w, b).chunk(3, -1);
    const [wq, wkv] = w.split([E, 2 * E]);
    const [bq, bkv] = b === null ? [null, null] : b.split([E, 2 * E]);
    return [linear(q, wq, bq), ...linear(k, wkv, bkv).chunk(2, -1)];
  }
  const [wq, wk, wv] = w.chunk(3);
  const [bq, bk, bv] = b === null ? [null, null, null] : b.chunk(3);
  return [linear(q, wq, bq), linear(k, wk, bk), linear(v, wv, bv)];
}

function assert(ok: boolean, message: string): void {
  if (!ok) throw new torch.AssertionError(message);
}

/**
 * Multi-head attention over `query` (L, N, E) or (L, E), `key` and `value` (S, N, E) or (S, E): the attended
 * values projected out, (L, N, E), and the attention weights, (N, L, S) averaged over the heads (or (N, heads, L,
 * S)), or null without `needWeights`.
 */
export function multiHeadAttentionForward(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  embedDimToCheck: number,
  numHeads: number,
  inProjWeight: Tensor | null,
  inProjBias: Tensor | null,
  biasK: Tensor | null,
  biasV: Tensor | null,
  addZeroAttn: boolean,
  dropoutP: number,
  outProjWeight: Tensor,
  outProjBias: Tensor | null,
  options: MultiHeadAttentionOptions = {},
): [Tensor, Tensor | null] {
  const { training = true, needWeights = true, useSeparateProjWeight = false, averageAttnWeights = true } = options;
  let { keyPaddingMask = null, attnMask = null } = options;
  const batched = query.ndim === 3;
  if (!batched) [query, key, value] = [query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)];
  if (!batched && keyPaddingMask !== null) keyPaddingMask = keyPaddingMask.unsqueeze(0);
  const [tgtLen, bsz, embedDim] = query.shape;
  assert(embedDim === embedDimToCheck, `was expecting embedding dimension of ${embedDimToCheck}, but got ${embedDim}`);
  const headDim = Math.floor(embedDim / numHeads);
  assert(headDim * numHeads === embedDim, `embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);

  let q: Tensor;
  let k: Tensor;
  let v: Tensor;
  if (!useSeparateProjWeight) {
    assert(inProjWeight !== null, 'use_separate_proj_weight is False but in_proj_weight is None');
    [q, k, v] = projectPacked(query, key, value, inProjWeight as Tensor, inProjBias);
  } else {
    const { qProjWeight = null, kProjWeight = null, vProjWeight = null } = options;
    assert(qProjWeight !== null, 'use_separate_proj_weight is True but q_proj_weight is None');
    assert(kProjWeight !== null, 'use_separate_proj_weight is True but k_proj_weight is None');
    assert(vProjWeight !== null, 'use_separate_proj_weight is True but v_proj_weight is None');
    const [bq, bk, bv] = inProjBias === null ? [null, null, null] : inProjBias.chunk(3);
    q = linear(query, qProjWeight as Tensor, bq);
    k = linear(key, kProjWeight as Tensor, bk);
    v = linear(value, vProjWeight as Tensor, bv);
  }

  if (attnMask !== null) {
    if (!attnMask.isFloatingPoint() && attnMask.dtype !== 'bool')
      throw new torch.AssertionError(
        `Only float, byte, and bool types are supported for attn_mask, not torch.${attnMask.dtype}`,
      );
    const srcLen = key.shape[0];
    if (attnMask.ndim === 2) {
      if (attnMask.shape[0] !== tgtLen || attnMask.shape[1] !== srcLen)
        throw new torch.RuntimeError(
          `The shape of the 2D attn_mask is ${torchSize(attnMask.shape)}, but should be (${tgtLen}, ${srcLen}).`,
        );
      attnMask = attnMask.unsqueeze(0);
    } else if (attnMask.ndim === 3) {
      if (attnMask.shape[0] !== bsz * numHeads || attnMask.shape[1] !== tgtLen || attnMask.shape[2] !== srcLen)
        throw new torch.RuntimeError(
          `The shape of the 3D attn_mask is ${torchSize(attnMask.shape)}, but should be (${bsz * numHeads}, ${tgtLen}, ${srcLen}).`,
        );
    } else throw new torch.RuntimeError(`attn_mask's dimension ${attnMask.ndim} is not supported`);
  }

  if (biasK !== null && biasV !== null) {
    k = torch.cat([k, biasK.repeat(1, bsz, 1)]);
    v = torch.cat([v, biasV.repeat(1, bsz, 1)]);
    if (attnMask !== null) attnMask = pad(attnMask, [0, 1]);
    if (keyPaddingMask !== null) keyPaddingMask = pad(keyPaddingMask, [0, 1]);
  }

  q = q
    .contiguous()
    .view(tgtLen, bsz * numHeads, headDim)
    .transpose(0, 1);
  k = k
    .contiguous()
    .view(k.shape[0], bsz * numHeads, headDim)
    .transpose(0, 1);
  v = v
    .contiguous()
    .view(v.shape[0], bsz * numHeads, headDim)
    .transpose(0, 1);

  if (addZeroAttn) {
    const zeros = torch.zeros([bsz * numHeads, 1, headDim], { dtype: k.dtype });
    k = torch.cat([k, zeros], 1);
    v = torch.cat([v, zeros], 1);
    if (attnMask !== null) attnMask = pad(attnMask, [0, 1]);
    if (keyPaddingMask !== null) keyPaddingMask = pad(keyPaddingMask, [0, 1]);
  }
  const srcLen = k.shape[1];

  if (keyPaddingMask !== null) {
    assert(
      keyPaddingMask.shape[0] === bsz && keyPaddingMask.shape[1] === srcLen,
      `expecting key_padding_mask shape of (${bsz}, ${srcLen}), but got ${torchSize(keyPaddingMask.shape)}`,
    );
    const expanded = keyPaddingMask
      .view(bsz, 1, 1, srcLen)
      .expand(-1, numHeads, -1, -1)
      .reshape(bsz * numHeads, 1, srcLen);
    if (attnMask === null) attnMask = expanded;
    else if (attnMask.dtype === 'bool') attnMask = attnMask.logicalOr(expanded);
    else attnMask = attnMask.maskedFill(expanded, -Infinity);
  }
  if (attnMask !== null && attnMask.dtype === 'bool')
    attnMask = torch.zerosLike(attnMask, { dtype: q.dtype }).maskedFill_(attnMask, -Infinity);

  const qScaled = q.div(Math.sqrt(q.shape[2]));
  const scores = qScaled.bmm(k.transpose(-2, -1));
  let weights = (attnMask === null ? scores : attnMask.add(scores)).softmax(-1);
  if (training && dropoutP > 0) weights = dropout(weights, { p: dropoutP });

  let out = weights
    .bmm(v)
    .transpose(0, 1)
    .contiguous()
    .view(tgtLen * bsz, embedDim);
  out = linear(out, outProjWeight, outProjBias);
  out = out.view(tgtLen, bsz, out.shape[1]);
  if (!needWeights) return [batched ? out : out.squeeze(1), null];
  let w = weights.view(bsz, numHeads, tgtLen, srcLen);
  if (averageAttnWeights) w = w.sum(1).div(numHeads);
  return batched ? [out, w] : [out.squeeze(1), w.squeeze(0)];
}
