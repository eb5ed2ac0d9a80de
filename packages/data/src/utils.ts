/**
 * torchvision.utils: `makeGrid` tiles a batch of images into one, and `gridToImage` turns it into the 8-bit image
 * `save_image` writes (`saveImage` in `@kindling/data/node` writes it as a PNG file).
 */
import * as torch from '@kindling/core';
import { TorchTypeError } from './errors.js';
import type { Image } from './image.js';

export interface MakeGridOptions {
  /** Images per row of the grid (default 8). */
  nrow?: number;
  /** Pixels between the images and around them (default 2). */
  padding?: number;
  /** Shift the values to [0, 1], by `valueRange` or by the min and max (default false). */
  normalize?: boolean;
  /** [min, max] for `normalize`; values are clamped to it first. */
  valueRange?: readonly [number, number] | null;
  /** With `normalize`, scale each image by its own min and max. */
  scaleEach?: boolean;
  /** The value of the padding pixels (default 0). */
  padValue?: number;
}

/** Clamps to [low, high] and maps that range to [0, 1], in place (torchvision's norm_ip). */
function normalizeInPlace(img: torch.Tensor, low: number, high: number): void {
  img.clamp_(low, high);
  img.sub_(low).div_(Math.max(high - low, 1e-5));
}

function normalizeRange(t: torch.Tensor, valueRange: readonly [number, number] | null): void {
  if (valueRange !== null) normalizeInPlace(t, valueRange[0], valueRange[1]);
  else normalizeInPlace(t, t.min().item(), t.max().item());
}

/**
 * A grid of images (torchvision.utils.make_grid): a (B, C, H, W) batch or a list of (C, H, W) images, laid out
 * `nrow` to a row with `padding` between them; one-channel images become three-channel. Returns (C, H', W').
 */
export function makeGrid(tensor: torch.Tensor | readonly torch.Tensor[], options?: MakeGridOptions): torch.Tensor;
/** torchvision's positional order: `makeGrid(images, 4)` lays them out 4 to a row. */
export function makeGrid(
  tensor: torch.Tensor | readonly torch.Tensor[],
  nrow: number,
  padding?: number,
  normalize?: boolean,
  valueRange?: readonly [number, number] | null,
  scaleEach?: boolean,
  padValue?: number,
): torch.Tensor;
export function makeGrid(tensor: torch.Tensor | readonly torch.Tensor[], ...args: unknown[]): torch.Tensor {
  const names = ['nrow', 'padding', 'normalize', 'valueRange', 'scaleEach', 'padValue'] as const;
  const options = torch.compat.trailingOptions<MakeGridOptions>('make_grid', names, args, 1, 1);
  const { nrow = 8, padding = 2, normalize = false, valueRange = null, scaleEach = false, padValue = 0 } = options;
  if (!(tensor instanceof torch.Tensor) && !(Array.isArray(tensor) && tensor.every((t) => t instanceof torch.Tensor))) {
    throw new TorchTypeError(`tensor or list of tensors expected, got ${torch._pyTypeName(tensor)}`);
  }
  let t = tensor instanceof torch.Tensor ? tensor : torch.stack([...tensor], 0);
  if (t.ndim === 2) t = t.unsqueeze(0);
  if (t.ndim === 3) {
    if (t.size(0) === 1) t = torch.cat([t, t, t], 0);
    t = t.unsqueeze(0);
  }
  if (t.ndim === 4 && t.size(1) === 1) t = torch.cat([t, t, t], 1);
  if (normalize) {
    t = t.clone();
    if (valueRange !== null && (!Array.isArray(valueRange) || valueRange.length !== 2)) {
      throw new TorchTypeError('value_range has to be a tuple (min, max) if specified. min and max are numbers');
    }
    if (scaleEach) for (let i = 0; i < t.size(0); i++) normalizeRange(t.select(0, i), valueRange);
    else normalizeRange(t, valueRange);
  }
  if (t.size(0) === 1) return t.squeeze(0);
  const count = t.size(0);
  const columns = Math.min(nrow, count);
  const rows = Math.ceil(count / columns);
  const height = t.size(2) + padding;
  const width = t.size(3) + padding;
  const grid = t.newFull([t.size(1), height * rows + padding, width * columns + padding], padValue);
  for (let k = 0; k < count; k++) {
    const [y, x] = [Math.floor(k / columns), k % columns];
    grid
      .narrow(1, y * height + padding, height - padding)
      .narrow(2, x * width + padding, width - padding)
      .copy_(t.select(0, k));
  }
  return grid;
}

/**
 * A (C, H, W) tensor of values in [0, 1] as the 8-bit HWC image torchvision's save_image writes:
 * `round(255 x)`, clamped (computed as `x * 255 + 0.5`, clamped, truncated, in the tensor's precision).
 */
export function gridToImage(grid: torch.Tensor): Image {
  if (grid.ndim !== 3) throw new TorchTypeError(`expected a (C, H, W) tensor, got shape [${grid.shape.join(', ')}]`);
  const [channels, height, width] = grid.shape;
  const data = new Uint8Array(grid.numel());
  // A Uint8Array stores each clamped value truncated, as PyTorch's cast to uint8 does.
  torch.readInto(grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0), data);
  return { data, height, width, channels };
}
