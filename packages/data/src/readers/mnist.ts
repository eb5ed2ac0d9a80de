/**
 * MNIST and Fashion-MNIST over their IDX files (torchvision.datasets.MNIST / FashionMNIST).
 *
 * Files are torchvision's raw files — `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
 * `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each optionally gzipped (`.gz`) — looked up in `root`
 * itself (the Debian layout, /usr/share/datasets/fashion-mnist) and in torchvision's `root/<Name>/raw/`.
 *
 * `get(i)` returns `[image, label]`. Where torchvision returns a PIL image, the image here is an 8-bit
 * `Image` record ({ data, height, width, channels: 1 }) that `transforms.ToTensor` turns into a [1, 28, 28]
 * float32 tensor in [0, 1]. For fast training loops `data` (an int32 tensor [N, 28, 28] of 0..255 values; core
 * has no uint8 dtype) and `targets` (int64 [N]) hold everything at once, as torchvision's `.data`/`.targets`.
 */
import { join } from 'node:path';
import * as torch from '@kindling/core';
import { Dataset } from '../dataset.js';
import { RuntimeError } from '../errors.js';
import type { Image } from '../image.js';
import type { TransformLike } from '../transforms/compose.js';
import { itemIndex, labelledItem } from './labelled-item.js';
import { hex32, idxFileSize, parseIdx } from './idx.js';
import { findFile, readBytes } from './node-io.js';

export interface MNISTOptions<X, Y> {
  /** The directory with the IDX files (or torchvision's root, holding <Name>/raw/). */
  root: string;
  /** The 60,000 training images (default) or the 10,000 test images. */
  train?: boolean;
  transform?: TransformLike<Image, X> | null;
  targetTransform?: TransformLike<number, Y> | null;
}

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;

export class MNIST<X = Image, Y = number> extends Dataset<[X, Y]> {
  static readonly classes: readonly string[] = [
    '0 - zero',
    '1 - one',
    '2 - two',
    '3 - three',
    '4 - four',
    '5 - five',
    '6 - six',
    '7 - seven',
    '8 - eight',
    '9 - nine',
  ];
  /** How to get the files, for the not-found message. */
  protected static readonly hint: string =
    'Download the four IDX files (train-images-idx3-ubyte.gz, ...) from http://yann.lecun.com/exdb/mnist/ into that ' +
    'directory, or pass another one (the examples take --data DIR)';

  readonly root: string;
  readonly train: boolean;
  readonly transform: TransformLike<Image, X> | null;
  readonly targetTransform: TransformLike<number, Y> | null;
  /** All pixels, image after image (N × height × width bytes). */
  readonly images: Uint8Array;
  /** All labels (N bytes). */
  readonly labels: Uint8Array;
  readonly height: number;
  readonly width: number;
  /** The files read. */
  readonly files: { images: string; labels: string };
  private cachedData: torch.Tensor | null = null;
  private cachedTargets: torch.Tensor | null = null;

  constructor(options: MNISTOptions<X, Y>) {
    super();
    const ctor = this.constructor as typeof MNIST;
    this.root = options.root;
    this.train = options.train ?? true;
    this.transform = options.transform ?? null;
    this.targetTransform = options.targetTransform ?? null;
    const prefix = this.train ? 'train' : 't10k';
    const dirs = [this.root, join(this.root, ctor.name, 'raw')];
    const locate = (name: string): string => {
      const path = findFile(dirs, name);
      if (path === null) {
        throw new RuntimeError(`${ctor.name}: ${name}(.gz) not found in ${dirs.join(' or ')}. ${ctor.hint}.`);
      }
      return path;
    };
    this.files = { images: locate(`${prefix}-images-idx3-ubyte`), labels: locate(`${prefix}-labels-idx1-ubyte`) };

    const images = parseIdx(readBytes(this.files.images, { sizeFromHead: idxFileSize }), this.files.images);
    if (images.magic !== IMAGES_MAGIC) {
      throw new RuntimeError(
        `${this.files.images}: wrong magic number ${hex32(images.magic)} for an image file (expected ${hex32(IMAGES_MAGIC)}: 3-D unsigned bytes)`,
      );
    }
    const labels = parseIdx(readBytes(this.files.labels, { sizeFromHead: idxFileSize }), this.files.labels);
    if (labels.magic !== LABELS_MAGIC) {
      throw new RuntimeError(
        `${this.files.labels}: wrong magic number ${hex32(labels.magic)} for a label file (expected ${hex32(LABELS_MAGIC)}: 1-D unsigned bytes)`,
      );
    }
    const [n, h, w] = images.shape;
    if (labels.shape[0] !== n) {
      throw new RuntimeError(
        `${this.files.images} has ${n} images but ${this.files.labels} has ${labels.shape[0]} labels`,
      );
    }
    const numClasses = ctor.classes.length;
    const labelBytes = labels.data as Uint8Array;
    for (let i = 0; i < n; i++) {
      if (labelBytes[i] >= numClasses) {
        throw new RuntimeError(
          `${this.files.labels}: label ${labelBytes[i]} at index ${i} is out of range [0, ${numClasses - 1}]`,
        );
      }
    }
    this.images = images.data as Uint8Array;
    this.labels = labelBytes;
    this.height = h;
    this.width = w;
  }

  get length(): number {
    return this.labels.length;
  }

  get classes(): readonly string[] {
    return (this.constructor as typeof MNIST).classes;
  }

  get classToIdx(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  /** int32 tensor [N, H, W] of the pixel values 0..255 (made on first use). */
  get data(): torch.Tensor {
    if (this.cachedData === null) {
      this.cachedData = torch.fromArray(Int32Array.from(this.images), [this.length, this.height, this.width]);
    }
    return this.cachedData;
  }

  /** int64 tensor [N] of the labels (made on first use). */
  get targets(): torch.Tensor {
    this.cachedTargets ??= torch.fromArray(this.labels, [this.length], { dtype: 'int64' });
    return this.cachedTargets;
  }

  get(index: number): [X, Y] {
    const i = itemIndex(index, this.length);
    const size = this.height * this.width;
    const image: Image = {
      data: this.images.slice(i * size, (i + 1) * size),
      height: this.height,
      width: this.width,
      channels: 1,
    };
    return labelledItem(this, image, this.labels[i]);
  }
}

/** Zalando's Fashion-MNIST: the same format and sizes as MNIST, ten kinds of clothing. */
export class FashionMNIST<X = Image, Y = number> extends MNIST<X, Y> {
  static override readonly classes: readonly string[] = [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ];
  protected static override readonly hint: string =
    "Install the Debian package with 'apt-get install dataset-fashion-mnist' (files in /usr/share/datasets/fashion-mnist), " +
    'or pass a directory holding the IDX files (the examples take --data DIR); fashionMnistRoot() falls back to the ' +
    '2,000-image sample in @kindling/data/fixtures';
}
