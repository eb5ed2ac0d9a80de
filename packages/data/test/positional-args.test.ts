import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { transforms, utils } from '@kindling/data';

/** torchvision's positional orders, as ported code passes them: the keyword forms' results. */
describe("data in PyTorch's positional order", () => {
  const image = torch
    .arange(3 * 6 * 6, { dtype: 'float32' })
    .reshape(3, 6, 6)
    .div(108);

  it('reads the transforms', () => {
    const seeded = () => new torch.Generator().manualSeed(5);
    torch.manualSeed(1);
    const positional = new transforms.RandomCrop(6, 2).forward(image);
    torch.manualSeed(1);
    const keyword = new transforms.RandomCrop(6, { padding: 2 }).forward(image);
    expect(positional.tolist()).toEqual(keyword.tolist());
    expect(new transforms.RandomCrop(6, 2).options.padding).toBe(2);
    expect(new transforms.Resize(4, 'bilinear', 5).options.maxSize).toBe(5);
    const crop = new transforms.RandomResizedCrop(4, [0.5, 1], [1, 1]);
    expect([crop.scale, crop.ratio]).toEqual([
      [0.5, 1],
      [1, 1],
    ]);
    expect(new transforms.RandomResizedCrop(4, { scale: [0.5, 1], generator: seeded() }).forward(image).shape).toEqual([
      3, 4, 4,
    ]);
    const untyped = transforms.RandomCrop as unknown as new (...args: unknown[]) => unknown;
    expect(() => new untyped(6, 2, false, 0, 'constant', 1)).toThrow(
      new torch.TorchTypeError('RandomCrop.__init__() takes from 2 to 6 positional arguments but 7 were given'),
    );
  });

  it('reads makeGrid', () => {
    const batch = torch.rand([5, 3, 2, 2]);
    expect(utils.makeGrid(batch, 2, 1).tolist()).toEqual(utils.makeGrid(batch, { nrow: 2, padding: 1 }).tolist());
    expect(utils.makeGrid(batch, 2).shape).toEqual([3, 14, 10]); // torchvision: make_grid(batch, 2)
  });
});
