/**
 * What the geometric transforms accept and how they read it: a tensor of shape (..., C, H, W) or an 8-bit HWC
 * `Image`, its height and width, and a size given torchvision's ways.
 */
import * as torch from '@kindling/core';
import { TorchTypeError, ValueError } from '../errors.js';
import { typeName } from '../dataset.js';
import { type Image, isImage } from '../image.js';

/** An image a geometric transform takes, and gives back the same kind of. */
export type Img = torch.Tensor | Image;

/** `img` as a transform's input, or torchvision's TypeError for what is not an image. */
export function checkImg(img: unknown): Img {
  if (img instanceof torch.Tensor) {
    if (img.ndim < 2) throw new TorchTypeError(`Tensor is not a torch image.`);
    return img;
  }
  if (isImage(img)) return img;
  throw new TorchTypeError(`img should be PIL Image or Tensor. Got ${typeName(img)}`);
}

/** [height, width] of an image or of a tensor's last two dimensions. */
export function imageSize(img: Img): [number, number] {
  if (img instanceof torch.Tensor) return [img.size(-2), img.size(-1)];
  return [img.height, img.width];
}

/** (h, w) from an int or a 1- or 2-element list, with torchvision's messages. */
export function setupSize(size: number | readonly number[], message: string): [number, number] {
  if (typeof size === 'number') return [Math.trunc(size), Math.trunc(size)];
  if (size.length === 1) return [size[0], size[0]];
  if (size.length !== 2) throw new ValueError(message);
  return [size[0], size[1]];
}
