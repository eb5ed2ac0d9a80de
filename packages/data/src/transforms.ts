/**
 * Image transforms (torchvision.transforms). Each transform is an object with `forward(input)` (as nn modules
 * are called here); a plain function works anywhere a transform does. Geometric transforms take tensors of
 * shape (..., C, H, W) or 8-bit HWC `Image`s (what the dataset readers return, in place of PIL images) and
 * give back the same kind; `ToTensor` turns an image into a CHW float32 tensor in [0, 1].
 */
export type { Image, PaddingMode } from './image.js';
export { Compose, Lambda, applyTransform } from './transforms/compose.js';
export type { AnyTransform, TransformLike } from './transforms/compose.js';
export { Normalize, ToTensor } from './transforms/tensor.js';
export type { ArrayImage } from './transforms/tensor.js';
export { CenterCrop, RandomCrop, RandomHorizontalFlip, crop, pad } from './transforms/geometry.js';
export type { RandomCropOptions } from './transforms/geometry.js';
export { RandomResizedCrop, Resize, resizedCrop } from './transforms/resize.js';
export type { RandomResizedCropOptions, ResizeOptions } from './transforms/resize.js';
