/**
 * `embedding_bag`: the sums, means or maxima of bags of embedding rows, one node (`EmbeddingBagBackward0`) as
 * PyTorch records it, with the gradients of the weight (rows of the bags; the argmax rows for `'max'`) and of the
 * per-sample weights. Entries equal to `paddingIdx` take no part (nor count in a mean); an empty bag gives zeros.
 */
import { IndexError, RuntimeError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { zeros } from '../creation.js';

export type EmbeddingBagMode = 'sum' | 'mean' | 'max';

/**
 * `embedding_bag(weight, input, offsets, mode, perSampleWeights, includeLastOffset, paddingIdx)` over a 1-D
 * `input` of indices cut into bags at `offsets`: a (B, D) tensor.
 */
export function embeddingBag(
  weight: Tensor,
  input: Tensor,
  offsets: Tensor,
  mode: EmbeddingBagMode,
  perSampleWeights: Tensor | null,
  includeLastOffset: boolean,
  paddingIdx: number | null,
): Tensor {
  if (weight.ndim !== 2)
    throw new RuntimeError(`embedding_bag: the weight must be 2-D, got [${weight.shape.join(', ')}]`);
  const [rows, D] = weight.shape;
  const idx = input.contiguousArray();
  const off = offsets.contiguousArray();
  const n = idx.length;
  idx.forEach((v, i) => {
    if (!(v >= 0 && v < rows))
      throw new IndexError(`embedding_bag: index ${i} is out of bounds: ${v}, range 0 to ${rows}`);
  });
  const bags = includeLastOffset ? off.length - 1 : off.length;
  const start = (b: number): number => Number(off[b]);
  const end = (b: number): number => (b + 1 < off.length ? Number(off[b + 1]) : n);
  for (let b = 0; b < bags; b++) {
    if (start(b) < 0 || start(b) > end(b) || end(b) > n)
      throw new RuntimeError(
        `embedding_bag: offsets must be non-decreasing and within the input, got ${Array.from(off).join(', ')}`,
      );
  }
  const w = weight.contiguousArray();
  const psw = perSampleWeights?.contiguousArray() ?? null;
  const out = zeros([bags, D], { dtype: weight.dtype });
  const o = out._array;
  const counts = new Float64Array(bags);
  const argmax = new Int32Array(mode === 'max' ? bags * D : 0).fill(-1);
  for (let b = 0; b < bags; b++) {
    for (let i = start(b); i < end(b); i++) {
      const row = Number(idx[i]);
      if (row === paddingIdx) continue;
      counts[b] += 1;
      for (let d = 0; d < D; d++) {
        const v = w[row * D + d];
        const at = b * D + d;
        if (mode === 'max') {
          if (argmax[at] < 0 || v > o[at]) {
            o[at] = v;
            argmax[at] = row;
          }
        } else o[at] += psw === null ? v : v * psw[i];
      }
    }
    if (mode === 'mean' && counts[b] > 0) for (let d = 0; d < D; d++) o[b * D + d] /= counts[b];
  }
  recordOp(
    'EmbeddingBagBackward0',
    [weight, perSampleWeights],
    out,
    (_save, needs) =>
      ([g]) =>
        noGrad(() => {
          const gs = g.contiguousArray();
          const gw = zeros([rows, D], { dtype: weight.dtype });
          const ga = gw._array;
          const gp = perSampleWeights === null ? null : zeros([n], { dtype: perSampleWeights.dtype });
          for (let b = 0; b < bags; b++) {
            if (mode === 'max') {
              for (let d = 0; d < D; d++) if (argmax[b * D + d] >= 0) ga[argmax[b * D + d] * D + d] += gs[b * D + d];
              continue;
            }
            const scale = mode === 'mean' && counts[b] > 0 ? 1 / counts[b] : 1;
            for (let i = start(b); i < end(b); i++) {
              const row = Number(idx[i]);
              if (row === paddingIdx) continue;
              const s = psw === null ? scale : psw[i];
              let dot = 0;
              for (let d = 0; d < D; d++) {
                ga[row * D + d] += gs[b * D + d] * s;
                dot += w[row * D + d] * gs[b * D + d];
              }
              if (gp !== null) gp._array[i] = dot;
            }
          }
          return [needs[0] ? gw : null, needs[1] ? gp : null];
        }),
  );
  return out;
}
