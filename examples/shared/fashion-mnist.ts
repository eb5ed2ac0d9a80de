/**
 * Fashion-MNIST for the examples: the directory given with --data; with --full, Debian's dataset-fashion-mnist
 * (/usr/share/datasets/fashion-mnist); otherwise the real 2,000 + 1,000 image sample committed with
 * @kindling/data, so the examples run in minutes on a fresh machine.
 */
import type { Tensor } from '@kindling/core';
import { transforms } from '@kindling/data';
import { FashionMNIST, SYSTEM_FASHION_MNIST, fashionMnistRoot, fashionMnistSampleRoot } from '@kindling/data/node';
import { fail } from './cli.js';

export const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Fashion-MNIST's mean and standard deviation over the training images, as PyTorch scripts use them. */
export const MEAN = 0.286;
export const STD = 0.353;

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

function pick(choice: DataChoice): { root: string; source: 'given' | 'system' | 'sample' } {
  if (choice.dataDir) return { root: choice.dataDir, source: 'given' };
  if (!choice.full) return { root: fashionMnistSampleRoot(), source: 'sample' };
  const found = fashionMnistRoot();
  if (found.source !== 'system') {
    fail(`--full needs the full Fashion-MNIST in ${SYSTEM_FASHION_MNIST}: install it with 'apt-get install -y dataset-fashion-mnist', or pass --data DIR`);
  }
  return found;
}

export function loadFashionMnist(choice: DataChoice = {}): FashionData {
  const picked = pick(choice);
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
