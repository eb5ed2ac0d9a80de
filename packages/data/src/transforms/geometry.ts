/**
 * The transforms that move pixels without resampling them: padding, cropping and flipping, as functions
 * (torchvision.transforms.functional) and as transforms, random or not.
 */
import * as torch from '@kindling/core';
import { ValueError } from '../errors.js';
import { type PaddingMode, cropPad, fromPlanes, hflip, toPlanes } from '../image.js';
import { type Img, checkImg, imageSize, setupSize } from './image-input.js';

const { pyRound } = torch.compat;

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
