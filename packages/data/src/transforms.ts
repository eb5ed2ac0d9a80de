/**
 * Image transforms (torchvision.transforms). Each transform is an object with `forward(input)` (as nn modules
 * are called here); a plain function works anywhere a transform does. Geometric transforms take tensors of
 * shape (..., C, H, W) or 8-bit HWC `Image`s (what the dataset readers return, in place of PIL images) and
 * give back the same kind; `ToTensor` turns an image into a CHW float32 tensor in [0, 1].
 */
import * as torch from '@kindling/core';
import { TorchTypeError, ValueError, pyRepr } from './errors.js';
import { typeName } from './dataset.js';
import {
  type Image,
  type PaddingMode,
  cropPad,
  fromPlanes,
  hflip,
  isImage,
  resizeBilinear,
  resizeImagePil,
  toPlanes,
} from './image.js';

export type { Image, PaddingMode };

const { pyRound } = torch.compat;

/** A transform: an object with `forward`, or a function. */
export type TransformLike<I = unknown, O = unknown> = { forward(input: I): O } | ((input: I) => O);

/** Any transform, whatever it takes (what Compose chains). */
export type AnyTransform = TransformLike<never, unknown>;

/** Runs a transform given either way. */
export function applyTransform<I, O>(t: TransformLike<I, O>, input: I): O {
  return typeof t === 'function' ? t(input) : t.forward(input);
}

type Img = torch.Tensor | Image;

/** Chains transforms: `new Compose([new ToTensor(), new Normalize([0.5], [0.5])])`. */
export class Compose {
  constructor(readonly transforms: readonly AnyTransform[]) {}
  forward<O = unknown>(input: unknown): O {
    let x = input;
    for (const t of this.transforms) x = applyTransform(t as TransformLike<unknown, unknown>, x);
    return x as O;
  }
}

/** Wraps a function as a transform. */
export class Lambda<I = unknown, O = unknown> {
  constructor(readonly lambd: (input: I) => O) {
    if (typeof lambd !== 'function')
      throw new TorchTypeError(`Argument lambd should be callable, got ${pyRepr(typeName(lambd))}`);
  }
  forward(input: I): O {
    return this.lambd(input);
  }
}

/** An HW or HWC array with its shape: the stand-in for a NumPy array given to ToTensor. */
export interface ArrayImage {
  data: Uint8Array | Float32Array | Float64Array;
  shape: readonly number[];
}

const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/**
 * HWC (or HW) data to a CHW tensor: 8-bit data becomes float32 in [0, 1] (value / 255, rounded as PyTorch's
 * float32 division rounds it); Float32Array/Float64Array data keeps its type and values, as torchvision does
 * for float ndarrays.
 */
export class ToTensor {
  forward(pic: Image | ArrayImage): torch.Tensor {
    let h: number;
    let w: number;
    let c: number;
    if (isImage(pic)) [h, w, c] = [pic.height, pic.width, pic.channels];
    else if (isArrayImage(pic)) {
      if (pic.shape.length !== 2 && pic.shape.length !== 3) {
        throw new ValueError(`pic should be 2/3 dimensional. Got ${pic.shape.length} dimensions.`);
      }
      [h, w, c] = [pic.shape[0], pic.shape[1], pic.shape[2] ?? 1];
    } else throw new TorchTypeError(`pic should be PIL Image or ndarray. Got ${typeName(pic)}`);
    const src = pic.data;
    if (src.length !== h * w * c)
      throw new ValueError(`image data has ${src.length} values, but ${h}x${w}x${c} needs ${h * w * c}`);
    const hw = h * w;
    const out =
      src instanceof Uint8Array
        ? new Float32Array(src.length)
        : new (src.constructor as Float32ArrayConstructor)(src.length);
    const table = src instanceof Uint8Array ? BYTE_TO_UNIT : null;
    if (c === 1) {
      if (table) for (let i = 0; i < hw; i++) out[i] = table[src[i]];
      else out.set(src);
    } else {
      for (let ch = 0; ch < c; ch++) {
        const base = ch * hw;
        for (let i = 0, j = ch; i < hw; i++, j += c) out[base + i] = table ? table[src[j]] : src[j];
      }
    }
    return torch.fromArray(out, [c, h, w]);
  }
}

function isArrayImage(x: unknown): x is ArrayImage {
  const a = x as Partial<ArrayImage> | null;
  return (
    typeof a === 'object' &&
    a !== null &&
    Array.isArray(a.shape) &&
    (a.data instanceof Uint8Array || a.data instanceof Float32Array || a.data instanceof Float64Array)
  );
}

/** Per-channel (x - mean) / std on a float tensor (..., C, H, W). */
export class Normalize {
  constructor(
    readonly mean: readonly number[],
    readonly std: readonly number[],
    readonly inplace = false,
  ) {}

  private readonly stats = new Map<torch.DType, [torch.Tensor, torch.Tensor]>();

  forward(tensor: torch.Tensor): torch.Tensor {
    if (!(tensor instanceof torch.Tensor))
      throw new TorchTypeError(`img should be Tensor Image. Got ${typeName(tensor)}`);
    if (!tensor.isFloatingPoint())
      throw new TorchTypeError(`Input tensor should be a float tensor. Got torch.${tensor.dtype}.`);
    if (tensor.ndim < 3) {
      throw new ValueError(
        `Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = torch.Size([${tensor.shape.join(', ')}])`,
      );
    }
    const [m, s] = this.statsFor(tensor.dtype);
    return this.inplace ? tensor.sub_(m).div_(s) : tensor.sub(m).div(s);
  }

  /** Mean and std as (C, 1, 1) tensors of `dtype`, made once per dtype (a DataLoader calls this per sample). */
  private statsFor(dtype: torch.DType): [torch.Tensor, torch.Tensor] {
    let stats = this.stats.get(dtype);
    if (stats === undefined) {
      const mean = torch.tensor([...this.mean], { dtype });
      const std = torch.tensor([...this.std], { dtype });
      if (std.eq(0).any().item()) {
        throw new ValueError(`std evaluated to zero after conversion to torch.${dtype}, leading to division by zero.`);
      }
      stats = [mean.ndim === 1 ? mean.view(-1, 1, 1) : mean, std.ndim === 1 ? std.view(-1, 1, 1) : std];
      this.stats.set(dtype, stats);
    }
    return stats;
  }
}

/** A random number in [0, 1) from `generator` or the global generator (torch.rand(1)). */
function rand(generator: torch.Generator | undefined): number {
  return torch.rand([1], { generator }).item();
}

/** Flips left-right with probability `p`. */
export class RandomHorizontalFlip {
  readonly p: number;
  readonly generator: torch.Generator | undefined;
  constructor(
    p: number | { p?: number; generator?: torch.Generator } = 0.5,
    options: { generator?: torch.Generator } = {},
  ) {
    const o = typeof p === 'number' ? { ...options, p } : p;
    this.p = o.p ?? 0.5;
    this.generator = o.generator;
  }
  forward<T extends Img>(img: T): T {
    return rand(this.generator) < this.p ? (fromPlanes(hflip(toPlanes(checkImg(img))), img) as T) : img;
  }
}

function checkImg(img: unknown): Img {
  if (img instanceof torch.Tensor) {
    if (img.ndim < 2) throw new TorchTypeError(`Tensor is not a torch image.`);
    return img;
  }
  if (isImage(img)) return img;
  throw new TorchTypeError(`img should be PIL Image or Tensor. Got ${typeName(img)}`);
}

/** (h, w) from an int or a 1- or 2-element list, with torchvision's messages. */
function setupSize(size: number | readonly number[], message: string): [number, number] {
  if (typeof size === 'number') return [Math.trunc(size), Math.trunc(size)];
  if (size.length === 1) return [size[0], size[0]];
  if (size.length !== 2) throw new ValueError(message);
  return [size[0], size[1]];
}

/** [left, top, right, bottom] from torchvision's padding forms (int, [lr, tb], [l, t, r, b]). */
function paddingLTRB(padding: number | readonly number[]): [number, number, number, number] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding.length === 1) return [padding[0], padding[0], padding[0], padding[0]];
  if (padding.length === 2) return [padding[0], padding[1], padding[0], padding[1]];
  if (padding.length === 4) return [padding[0], padding[1], padding[2], padding[3]];
  throw new ValueError(`Padding must be an int or a 1, 2, or 4 element tuple, not a ${padding.length} element tuple`);
}

/** torchvision.transforms.functional.pad. */
export function pad<T extends Img>(
  img: T,
  padding: number | readonly number[],
  fill: number | readonly number[] = 0,
  mode: PaddingMode = 'constant',
): T {
  if (!['constant', 'edge', 'reflect', 'symmetric'].includes(mode)) {
    throw new ValueError('Padding mode should be either constant, edge, reflect or symmetric');
  }
  const [l, t, r, b] = paddingLTRB(padding);
  const src = toPlanes(checkImg(img));
  if (mode === 'reflect' && (Math.max(l, r) >= src.w || Math.max(t, b) >= src.h)) {
    throw new ValueError(
      `Padding size should be less than the corresponding input dimension, but got: padding (${l}, ${r}) and (${t}, ${b}) for an image of ${src.h}x${src.w}`,
    );
  }
  return fromPlanes(cropPad(src, -t, -l, src.h + t + b, src.w + l + r, fill, mode), img) as T;
}

/** torchvision.transforms.functional.crop: the window at (top, left) of size h × w; outside the image is 0. */
export function crop<T extends Img>(img: T, top: number, left: number, height: number, width: number): T {
  return fromPlanes(cropPad(toPlanes(checkImg(img)), top, left, height, width, 0, 'constant'), img) as T;
}

function imageSize(img: Img): [number, number] {
  if (img instanceof torch.Tensor) return [img.size(-2), img.size(-1)];
  return [img.height, img.width];
}

export interface RandomCropOptions {
  padding?: number | readonly number[] | null;
  padIfNeeded?: boolean;
  fill?: number | readonly number[];
  paddingMode?: PaddingMode;
  generator?: torch.Generator;
}

/** A random window of `size` after optional padding (torchvision.transforms.RandomCrop). */
export class RandomCrop {
  readonly size: [number, number];
  readonly options: RandomCropOptions;
  constructor(size: number | readonly number[], options?: RandomCropOptions);
  /** torchvision's positional order: `new RandomCrop(32, 4)` pads by 4 first. */
  constructor(
    size: number | readonly number[],
    padding: number | readonly number[] | null,
    padIfNeeded?: boolean,
    fill?: number | readonly number[],
    paddingMode?: PaddingMode,
  );
  constructor(size: number | readonly number[], ...args: unknown[]) {
    this.size = setupSize(size, 'Please provide only two dimensions (h, w) for size.');
    const names = ['padding', 'padIfNeeded', 'fill', 'paddingMode'] as const;
    this.options = torch.compat.pythonArgs<RandomCropOptions>('RandomCrop', names, args);
  }

  forward<T extends Img>(input: T): T {
    const { padding = null, padIfNeeded = false, fill = 0, paddingMode = 'constant', generator } = this.options;
    let img: Img = checkImg(input);
    if (padding !== null) img = pad(img, padding, fill, paddingMode);
    const [th, tw] = this.size;
    if (padIfNeeded && imageSize(img)[1] < tw) img = pad(img, [tw - imageSize(img)[1], 0], fill, paddingMode);
    if (padIfNeeded && imageSize(img)[0] < th) img = pad(img, [0, th - imageSize(img)[0]], fill, paddingMode);
    const [h, w] = imageSize(img);
    if (h < th || w < tw)
      throw new ValueError(`Required crop size (${th}, ${tw}) is larger than input image size (${h}, ${w})`);
    if (h === th && w === tw) return img as T;
    const i = torch.randint(0, h - th + 1, [1], { generator }).item();
    const j = torch.randint(0, w - tw + 1, [1], { generator }).item();
    return crop(img, i, j, th, tw) as T;
  }
}

/** The central window of `size`, padding with 0 first when the image is smaller (torchvision.transforms.CenterCrop). */
export class CenterCrop {
  readonly size: [number, number];
  constructor(size: number | readonly number[]) {
    this.size = setupSize(size, 'Please provide only two dimensions (h, w) for size.');
  }

  forward<T extends Img>(input: T): T {
    let img: Img = checkImg(input);
    const [ch, cw] = this.size;
    let [h, w] = imageSize(img);
    if (cw > w || ch > h) {
      const ltrb = [
        cw > w ? (cw - w) >> 1 : 0,
        ch > h ? (ch - h) >> 1 : 0,
        cw > w ? (cw - w + 1) >> 1 : 0,
        ch > h ? (ch - h + 1) >> 1 : 0,
      ];
      img = pad(img, ltrb, 0);
      [h, w] = imageSize(img);
      if (cw === w && ch === h) return img as T;
    }
    return crop(img, pyRound((h - ch) / 2), pyRound((w - cw) / 2), ch, cw) as T;
  }
}

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
