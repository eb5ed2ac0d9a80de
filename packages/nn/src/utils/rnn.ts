/** `nn.utils.rnn.padSequence`: variable-length sequences padded into one batch, as PyTorch's `pad_sequence`. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';

export interface PadSequenceOptions {
  /** The batch first, (B, T, *), instead of (T, B, *) (default false). */
  batchFirst?: boolean;
  /** The value of the padding (default 0). */
  paddingValue?: number;
}

/**
 * `pad_sequence(sequences, batch_first=False, padding_value=0.0)`: sequences of shape (Lᵢ, *) stacked into
 * (T, B, *) (or (B, T, *)), T the longest, shorter ones padded at the end; each copied in as PyTorch copies it, so
 * gradients flow back to every sequence.
 *
 * @example
 * ```ts
 * const batch = nn.utils.rnn.padSequence([torch.tensor([1, 2, 3]), torch.tensor([4])], { batchFirst: true });
 * console.log(batch);
 * ```
 * ```text
 * tensor([[1, 2, 3],
 *         [4, 0, 0]])
 * ```
 */
export function padSequence(sequences: readonly Tensor[], options: PadSequenceOptions = {}): Tensor {
  const { batchFirst = false, paddingValue = 0 } = options;
  if (sequences.length === 0) throw new torch.RuntimeError('received an empty list of sequences');
  const maxLen = Math.max(...sequences.map((s) => s.shape[0]));
  const trailing = sequences[0].shape.slice(1);
  const n = sequences.length;
  const out = torch.full(batchFirst ? [n, maxLen, ...trailing] : [maxLen, n, ...trailing], paddingValue, {
    dtype: sequences[0].dtype,
  });
  sequences.forEach((s, i) => {
    const length = s.shape[0];
    const slot = batchFirst ? out.select(0, i).narrow(0, 0, length) : out.narrow(0, 0, length).select(1, i);
    slot.copy_(s);
  });
  return out;
}
