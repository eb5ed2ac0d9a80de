/**
 * nn.EmbeddingBag as PyTorch 1.13 builds it (F.embeddingBag's values and gradients are checked against PyTorch in
 * functional.test.ts): reprs, the padding row, the bags of a 2-D input, and a model that learns through it.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { SGD } from '@kindling/optim';

describe('nn.EmbeddingBag', () => {
  it('prints as PyTorch, zeroes its padding row and bags the rows of a 2-D input', () => {
    expect(String(new nn.EmbeddingBag(10, 3))).toBe('EmbeddingBag(10, 3, mode=mean)');
    const bag = new nn.EmbeddingBag(10, 3, { mode: 'sum', paddingIdx: -8 });
    expect(String(bag)).toBe('EmbeddingBag(10, 3, mode=sum, padding_idx=2)');
    expect(bag.weight.select(0, 2).abs().sum().item()).toBe(0);
    const rows = bag.forward(
      torch.tensor([
        [1, 3],
        [4, 2],
      ]),
    );
    const cut = bag.forward(torch.tensor([1, 3, 4, 2]), torch.tensor([0, 2]));
    expect(torch.equal(rows, cut)).toBe(true);
  });

  it('trains a bag-of-words classifier', () => {
    torch.manualSeed(0);
    const bag = new nn.EmbeddingBag(6, 4);
    const head = new nn.Linear(4, 2);
    const opt = new SGD([...bag.parameters(), ...head.parameters()], { lr: 0.5 });
    const words = torch.tensor([0, 1, 1, 2, 3, 4, 4, 5]);
    const offsets = torch.tensor([0, 2, 4, 6]);
    const labels = torch.tensor([0, 0, 1, 1]);
    const loss = (): torch.Tensor => nn.functional.crossEntropy(head.forward(bag.forward(words, offsets)), labels);
    const first = loss().item();
    for (let i = 0; i < 50; i++) {
      opt.zeroGrad();
      loss().backward();
      opt.step();
    }
    expect(loss().item()).toBeLessThan(0.2 * first);
  });
});
