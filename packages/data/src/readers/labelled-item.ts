/** What the image datasets with integer labels (MNIST, CIFAR) share when they hand out an item. */
import * as torch from '@kindling/core';
import type { Image } from '../image.js';
import { type TransformLike, applyTransform } from '../transforms/compose.js';

/** A dataset's transforms: one for the image, one for its label, each absent when null. */
export interface LabelledImageTransforms<X, Y> {
  readonly transform: TransformLike<Image, X> | null;
  readonly targetTransform: TransformLike<number, Y> | null;
}

/** `index` (negative counts from the end) as a position in [0, n); PyTorch's IndexError for a tensor's first dim. */
export function itemIndex(index: number, n: number): number {
  const i = index < 0 ? index + n : index;
  if (!Number.isInteger(i) || i < 0 || i >= n)
    throw new torch.IndexError(`index ${index} is out of bounds for dimension 0 with size ${n}`);
  return i;
}

/** The image and its label, each through the dataset's transform for it when there is one. */
export function labelledItem<X, Y>(dataset: LabelledImageTransforms<X, Y>, image: Image, label: number): [X, Y] {
  const x = dataset.transform ? applyTransform(dataset.transform, image) : (image as X);
  const y = dataset.targetTransform ? applyTransform(dataset.targetTransform, label) : (label as Y);
  return [x, y];
}
