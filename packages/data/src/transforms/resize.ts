/**
 * The transforms that resample: Resize and RandomResizedCrop, with PIL's resize for 8-bit images and torchvision's
 * bilinear tensor path for tensors.
 */
import * as torch from '@kindling/core';
import { TorchTypeError, ValueError } from '../errors.js';
import { typeName } from '../dataset.js';
import { fromPlanes, resizeBilinear, resizeImagePil, toPlanes } from '../image.js';
import { crop } from './geometry.js';
import { type Img, checkImg, imageSize, setupSize } from './image-input.js';

const { pyRound } = torch.compat;

export interface ResizeOptions {
  interpolation?: 'bilinear';
  maxSize?: number | null;
  antialias?: boolean | null;
}

/**
 * Bilinear resize (torchvision.transforms.Resize). An int size sets the smaller edge (keeping the aspect ratio,
 * up to `maxSize` for the longer one); [h, w] sets both. A (..., C, H, W) tensor is resized as torchvision's
 * tensor path does with antialias=False; an 8-bit `Image` as PIL's `resize` does (antialiased), pixel for pixel.
 */
export class Resize {
  readonly size: number | readonly number[];
  readonly options: ResizeOptions;
  constructor(size: number | readonly number[], options?: ResizeOptions);
  /** torchvision's positional order: `new Resize(256, 'bilinear', 512)`. */
  constructor(
    size: number | readonly number[],
    interpolation: 'bilinear',
    maxSize?: number | null,
    antialias?: boolean | null,
  );
  constructor(size: number | readonly number[], ...args: unknown[]) {
    const options = torch.compat.pythonArgs<ResizeOptions>('Resize', ['interpolation', 'maxSize', 'antialias'], args);
    this.options = options;
    if (typeof size !== 'number' && !Array.isArray(size))
      throw new TorchTypeError(`Size should be int or sequence. Got ${typeName(size)}`);
    if (typeof size !== 'number' && size.length !== 1 && size.length !== 2)
      throw new ValueError('If size is a sequence, it should have 1 or 2 values');
    if ((options.interpolation ?? 'bilinear') !== 'bilinear')
      throw new ValueError(`Resize supports interpolation 'bilinear' only`);
    if (options.antialias)
      throw new ValueError(
        'Resize supports antialias=false only for tensors (images are always antialiased, as PIL does)',
      );
    this.size = size;
  }

  forward<T extends Img>(img: T): T {
    const maxSize = this.options.maxSize ?? null;
    const size = typeof this.size === 'number' ? [this.size] : [...this.size];
    if (maxSize !== null && size.length !== 1) {
      throw new ValueError(
        'max_size should only be passed if size specifies the length of the smaller edge, i.e. size should be an int or a sequence of length 1 in torchscript mode.',
      );
    }
    const [h, w] = imageSize(checkImg(img));
    return resizeTo(img, ...resizedOutputSize(h, w, size, maxSize));
  }
}

/** An image or tensor resized to exactly h × w, by PIL's rule for images and torchvision's tensor rule for tensors. */
function resizeTo<T extends Img>(img: T, oh: number, ow: number): T {
  if (!(img instanceof torch.Tensor)) return resizeImagePil(img, oh, ow) as T;
  const [h, w] = imageSize(img);
  if (oh === h && ow === w) return img;
  const float = img.isFloatingPoint() ? img : img.float();
  const out = fromPlanes(resizeBilinear(toPlanes(float), oh, ow), float) as torch.Tensor;
  return (img.isFloatingPoint() ? out : out.round().to(img.dtype)) as T;
}

function resizedOutputSize(h: number, w: number, size: number[], maxSize: number | null): [number, number] {
  if (size.length !== 1) return [size[0], size[1]];
  const [short, long] = w <= h ? [w, h] : [h, w];
  let newShort = size[0];
  let newLong = Math.trunc((newShort * long) / short);
  if (maxSize !== null) {
    if (maxSize <= newShort) {
      throw new ValueError(
        `max_size = ${maxSize} must be strictly greater than the requested size for the smaller edge size = [${size[0]}]`,
      );
    }
    if (newLong > maxSize) [newShort, newLong] = [Math.trunc((maxSize * newShort) / newLong), maxSize];
  }
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

export interface RandomResizedCropOptions {
  /** Bounds of the crop's area as a fraction of the image's (default [0.08, 1]). */
  scale?: readonly [number, number];
  /** Bounds of the crop's aspect ratio, width / height (default [3/4, 4/3]). */
  ratio?: readonly [number, number];
  interpolation?: 'bilinear';
  generator?: torch.Generator;
}

/**
 * A random window of random area and aspect ratio, resized to `size` (torchvision.transforms.RandomResizedCrop):
 * torchvision's rule for drawing the window (ten tries, then a central crop), and its pixels for a given window
 * (PIL's resize for images, bilinear with antialias=False for tensors). Kindling's random numbers are its own,
 * so a seed picks different windows than in PyTorch.
 */
export class RandomResizedCrop {
  readonly size: [number, number];
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
  readonly generator: torch.Generator | undefined;
  constructor(size: number | readonly number[], options?: RandomResizedCropOptions);
  /** torchvision's positional order: `new RandomResizedCrop(224, [0.5, 1])`. */
  constructor(
    size: number | readonly number[],
    scale: readonly [number, number],
    ratio?: readonly [number, number],
    interpolation?: 'bilinear',
  );
  constructor(size: number | readonly number[], ...args: unknown[]) {
    const names = ['scale', 'ratio', 'interpolation'] as const;
    const options = torch.compat.pythonArgs<RandomResizedCropOptions>('RandomResizedCrop', names, args);
    this.size = setupSize(size, 'Please provide only two dimensions (h, w) for size.');
    this.scale = options.scale ?? [0.08, 1.0];
    this.ratio = options.ratio ?? [3 / 4, 4 / 3];
    if ((options.interpolation ?? 'bilinear') !== 'bilinear')
      throw new ValueError(`RandomResizedCrop supports interpolation 'bilinear' only`);
    if (this.scale[0] > this.scale[1] || this.ratio[0] > this.ratio[1])
      torch.warnOnce('Scale and ratio should be of kind (min, max)');
    this.generator = options.generator;
  }

  /** The window [top, left, height, width] torchvision's get_params draws for an image of this size. */
  static getParams(
    img: Img,
    scale: readonly [number, number],
    ratio: readonly [number, number],
    generator?: torch.Generator,
  ): [number, number, number, number] {
    const [height, width] = imageSize(checkImg(img));
    const area = height * width;
    const logRatio = torch.tensor([...ratio], { dtype: 'float32' }).log();
    const [lo, hi] = [logRatio.select(0, 0).item(), logRatio.select(0, 1).item()];
    for (let attempt = 0; attempt < 10; attempt++) {
      const targetArea = area * torch.empty([1]).uniform_(scale[0], scale[1], { generator }).item();
      const aspectRatio = torch.empty([1]).uniform_(lo, hi, { generator }).exp().item();
      const w = pyRound(Math.sqrt(targetArea * aspectRatio));
      const h = pyRound(Math.sqrt(targetArea / aspectRatio));
      if (w > 0 && w <= width && h > 0 && h <= height) {
        const i = torch.randint(0, height - h + 1, [1], { generator }).item();
        const j = torch.randint(0, width - w + 1, [1], { generator }).item();
        return [i, j, h, w];
      }
    }
    // Fallback to a central crop of the nearest allowed aspect ratio.
    const inRatio = width / height;
    let [w, h] = [width, height];
    if (inRatio < Math.min(...ratio)) h = pyRound(w / Math.min(...ratio));
    else if (inRatio > Math.max(...ratio)) w = pyRound(h * Math.max(...ratio));
    return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
  }

  forward<T extends Img>(img: T): T {
    const [i, j, h, w] = RandomResizedCrop.getParams(img, this.scale, this.ratio, this.generator);
    return resizedCrop(img, i, j, h, w, this.size);
  }
}

/** torchvision.transforms.functional.resized_crop: the window at (top, left) of h × w, resized to `size`. */
export function resizedCrop<T extends Img>(
  img: T,
  top: number,
  left: number,
  height: number,
  width: number,
  size: number | readonly number[],
): T {
  const cropped = crop(img, top, left, height, width);
  const [ch, cw] = imageSize(cropped);
  return resizeTo(cropped, ...resizedOutputSize(ch, cw, typeof size === 'number' ? [size] : [...size], null));
}
