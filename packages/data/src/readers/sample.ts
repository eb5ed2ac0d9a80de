/**
 * Where Fashion-MNIST lives on this machine: the Debian package's files (apt-get install dataset-fashion-mnist,
 * /usr/share/datasets/fashion-mnist) when installed, else the sample committed with this package — the first
 * 2,000 training and 1,000 test images and labels of the real dataset, in the same gzipped IDX files.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isFile } from './node-io.js';

export const SYSTEM_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

/**
 * The sample's directory: beside this module (src/readers in the sources, dist in a build), or, when this code
 * was bundled into a program elsewhere, in the @kindling/data package that the program's directory resolves.
 */
export function fashionMnistSampleRoot(): string {
  const candidates = ['../../fixtures/fashion-mnist-sample/', '../fixtures/fashion-mnist-sample/'].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
  const installed = installedPackageDir();
  if (installed !== null) candidates.push(`${installed}/fixtures/fashion-mnist-sample/`);
  return (candidates.find((dir) => isFile(`${dir}train-images-idx3-ubyte.gz`)) ?? candidates[0]).replace(/\/$/, '');
}

function installedPackageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('@kindling/data/package.json'));
  } catch {
    return null;
  }
}

/** The full dataset when the system has it, else the sample; `source` says which. */
export function fashionMnistRoot(): { root: string; source: 'system' | 'sample' } {
  const system = [
    'train-images-idx3-ubyte',
    'train-labels-idx1-ubyte',
    't10k-images-idx3-ubyte',
    't10k-labels-idx1-ubyte',
  ].every((name) => isFile(`${SYSTEM_FASHION_MNIST}/${name}.gz`) || isFile(`${SYSTEM_FASHION_MNIST}/${name}`));
  return system
    ? { root: SYSTEM_FASHION_MNIST, source: 'system' }
    : { root: fashionMnistSampleRoot(), source: 'sample' };
}
