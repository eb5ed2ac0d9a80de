/**
 * CIFAR-10 over its binary batches (the "CIFAR-10 binary version"): `data_batch_1.bin` .. `data_batch_5.bin`
 * and `test_batch.bin`, each 10,000 records of 3073 bytes — the label byte, then the 32×32 image as 1024 red,
 * 1024 green and 1024 blue bytes (CHW). Files are looked up in `root` and in `root/cifar-10-batches-bin/`.
 *
 * `get(i)` returns `[image, label]` with an 8-bit HWC `Image` (32 × 32 × 3) where torchvision returns a PIL
 * image. `data` is an int32 tensor [N, 32, 32, 3] (HWC, like torchvision's uint8 array; core has no uint8
 * dtype) and `targets` a number[] (like torchvision's list).
 */
import { join } from 'node:path';
import * as torch from '@kindling/core';
import { Dataset } from '../dataset.js';
import { RuntimeError } from '../errors.js';
import type { Image } from '../image.js';
import type { TransformLike } from '../transforms/compose.js';
import { itemIndex, labelledItem } from './labelled-item.js';
import { findFile, isFile, readBytes } from './node-io.js';

export const CIFAR_RECORD = 3073;
const SIDE = 32;
const PIXELS = SIDE * SIDE;

export interface CIFAR10Options<X, Y> {
  root: string;
  /** The five training batches (default) or the test batch. */
  train?: boolean;
  transform?: TransformLike<Image, X> | null;
  targetTransform?: TransformLike<number, Y> | null;
}

/** Splits one binary batch into labels and CHW images, checking its size and every label. */
export function parseCifarBatch(
  bytes: Uint8Array,
  source = 'CIFAR-10 batch',
  numClasses = 10,
): { labels: Uint8Array; images: Uint8Array } {
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD !== 0) {
    throw new RuntimeError(
      `${source}: truncated or malformed CIFAR-10 batch: ${bytes.length} bytes is not a whole number of ${CIFAR_RECORD}-byte records ` +
        '(a label byte and a 32x32x3 image)',
    );
  }
  const n = bytes.length / CIFAR_RECORD;
  const labels = new Uint8Array(n);
  const images = new Uint8Array(n * 3 * PIXELS);
  for (let i = 0; i < n; i++) {
    const label = bytes[i * CIFAR_RECORD];
    if (label >= numClasses)
      throw new RuntimeError(`${source}: label ${label} of record ${i} is out of range [0, ${numClasses - 1}]`);
    labels[i] = label;
    images.set(bytes.subarray(i * CIFAR_RECORD + 1, (i + 1) * CIFAR_RECORD), i * 3 * PIXELS);
  }
  return { labels, images };
}

export class CIFAR10<X = Image, Y = number> extends Dataset<[X, Y]> {
  static readonly defaultClasses: readonly string[] = [
    'airplane',
    'automobile',
    'bird',
    'cat',
    'deer',
    'dog',
    'frog',
    'horse',
    'ship',
    'truck',
  ];
  readonly root: string;
  readonly train: boolean;
  readonly transform: TransformLike<Image, X> | null;
  readonly targetTransform: TransformLike<number, Y> | null;
  /** All images, CHW per image, as in the files (N × 3072 bytes). */
  readonly images: Uint8Array;
  /** The labels, like torchvision's `targets` list. */
  readonly targets: number[];
  readonly classes: readonly string[];
  readonly files: string[];
  private cachedData: torch.Tensor | null = null;

  constructor(options: CIFAR10Options<X, Y>) {
    super();
    this.root = options.root;
    this.train = options.train ?? true;
    this.transform = options.transform ?? null;
    this.targetTransform = options.targetTransform ?? null;
    const dirs = [this.root, join(this.root, 'cifar-10-batches-bin')];
    const names = this.train ? [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`) : ['test_batch.bin'];
    this.files = names.map((name) => {
      const path = findFile(dirs, name);
      if (path === null) {
        throw new RuntimeError(
          `CIFAR10: ${name} not found in ${dirs.join(' or ')}. Download the binary version ` +
            '(https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz) and extract it there, or pass another root (--data DIR).',
        );
      }
      return path;
    });
    const parts = this.files.map((f) => parseCifarBatch(readBytes(f), f));
    const n = parts.reduce((a, p) => a + p.labels.length, 0);
    this.images = new Uint8Array(n * 3 * PIXELS);
    this.targets = [];
    let offset = 0;
    for (const p of parts) {
      this.images.set(p.images, offset);
      offset += p.images.length;
      for (const l of p.labels) this.targets.push(l);
    }
    const meta = dirs.map((d) => join(d, 'batches.meta.txt')).find(isFile);
    const names10 = meta
      ? new TextDecoder()
          .decode(readBytes(meta))
          .split(/\r?\n/)
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : [];
    this.classes = names10.length === 10 ? names10 : CIFAR10.defaultClasses;
  }

  get length(): number {
    return this.targets.length;
  }

  get classToIdx(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  /** int32 tensor [N, 32, 32, 3] (HWC) of the pixel values 0..255 (made on first use). */
  get data(): torch.Tensor {
    if (this.cachedData === null) {
      const out = new Int32Array(this.images.length);
      for (let i = 0; i < this.length; i++) chwToHwc(this.images, i * 3 * PIXELS, out, i * 3 * PIXELS);
      this.cachedData = torch.fromArray(out, [this.length, SIDE, SIDE, 3]);
    }
    return this.cachedData;
  }

  get(index: number): [X, Y] {
    const i = itemIndex(index, this.length);
    const data = new Uint8Array(3 * PIXELS);
    chwToHwc(this.images, i * 3 * PIXELS, data, 0);
    const image: Image = { data, height: SIDE, width: SIDE, channels: 3 };
    return labelledItem(this, image, this.targets[i]);
  }
}

function chwToHwc(src: Uint8Array, from: number, dst: Uint8Array | Int32Array, to: number): void {
  for (let p = 0; p < PIXELS; p++) {
    dst[to + 3 * p] = src[from + p];
    dst[to + 3 * p + 1] = src[from + PIXELS + p];
    dst[to + 3 * p + 2] = src[from + 2 * PIXELS + p];
  }
}
