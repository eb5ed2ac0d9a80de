/**
 * Fashion-MNIST for the examples: the directory given with --data; with --full, Debian's dataset-fashion-mnist
 * (/usr/share/datasets/fashion-mnist); otherwise the real 2,000 + 1,000 image sample committed with
 * @kindling/data, so the examples run in minutes on a fresh machine.
 */
import type { Tensor } from '@kindling/core';
import { Dataset, transforms } from '@kindling/data';
import { FashionMNIST, SYSTEM_FASHION_MNIST, fashionMnistRoot, fashionMnistSampleRoot } from '@kindling/data/node';
import { fail } from './cli.js';

import { CLASSES, MEAN, STD } from './fashion-classes.js';

export { CLASSES, MEAN, STD } from './fashion-classes.js';

export interface FashionData {
  train: FashionMNIST<Tensor, number>;
  test: FashionMNIST<Tensor, number>;
  /** Where the files came from, for the example to say. */
  description: string;
}

export interface DataChoice {
  /** --data DIR */
  dataDir?: string;
  /** --full: the full data set from Debian's package */
  full?: boolean;
}

/** The folder of IDX files the choice names: --data DIR, --full's system copy, or the committed sample. */
export function fashionDataRoot(choice: DataChoice): { root: string; source: 'given' | 'system' | 'sample' } {
  if (choice.dataDir) return { root: choice.dataDir, source: 'given' };
  if (!choice.full) return { root: fashionMnistSampleRoot(), source: 'sample' };
  const found = fashionMnistRoot();
  if (found.source !== 'system') {
    fail(
      `--full needs the full Fashion-MNIST in ${SYSTEM_FASHION_MNIST}: install it with 'apt-get install -y dataset-fashion-mnist', or pass --data DIR`,
    );
  }
  return found;
}

export function loadFashionMnist(choice: DataChoice = {}): FashionData {
  const picked = fashionDataRoot(choice);
  const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([MEAN], [STD])]);
  const train = new FashionMNIST<Tensor, number>({ root: picked.root, train: true, transform });
  const test = new FashionMNIST<Tensor, number>({ root: picked.root, train: false, transform });
  const what =
    picked.source === 'sample'
      ? 'the real Fashion-MNIST sample committed with @kindling/data (--full or --data DIR for the full set)'
      : picked.source === 'system'
        ? "the full Fashion-MNIST (Debian's dataset-fashion-mnist)"
        : 'the directory given with --data';
  return { train, test, description: `${what}: ${picked.root} (${train.length} train, ${test.length} test images)` };
}

/**
 * The images of some classes only, their labels renumbered in the order given (classes [5, 6, 7, 8, 9] become
 * labels 0..4), at most `limit` of them in the data set's order, each image passed through `transform` if one
 * is given: for training a head on classes a model never saw.
 */
export class ClassSubset extends Dataset<[Tensor, number]> {
  readonly indices: number[] = [];
  private readonly transform: (image: Tensor) => Tensor;

  constructor(
    readonly dataset: FashionMNIST<Tensor, number>,
    readonly classes: readonly number[],
    options: { limit?: number; transform?: (image: Tensor) => Tensor } = {},
  ) {
    super();
    const limit = options.limit || Infinity;
    this.transform = options.transform ?? ((image) => image);
    const labels = dataset.targets.tolist() as number[];
    for (let i = 0; i < labels.length && this.indices.length < limit; i++)
      if (classes.includes(labels[i])) this.indices.push(i);
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): [Tensor, number] {
    const [image, label] = this.dataset.get(this.indices[index]);
    return [this.transform(image), this.classes.indexOf(label)];
  }

  /** The class names, in the new label order. */
  get names(): string[] {
    return this.classes.map((c) => CLASSES[c]);
  }
}
