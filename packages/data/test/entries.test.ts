import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as data from '@kindling/data';
import * as node from '@kindling/data/node';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** The package's own source files reachable from an entry by static imports, with the bare modules each imports. */
function importGraph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
    seen.set(
      file,
      specs.filter((s) => !s.startsWith('.')),
    );
    for (const s of specs.filter((s) => s.startsWith('.'))) visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(join(SRC, entry));
  return seen;
}

describe('package entries', () => {
  it('the main entry imports no Node.js module (browser-safe), and never the worker script', () => {
    const graph = importGraph('index.ts');
    expect([...graph.keys()].some((f) => f.endsWith('dataloader.ts') && graph.size > 8)).toBe(true);
    for (const [file, bare] of graph) {
      expect(
        bare.filter((s) => s.startsWith('node:') || s === 'fs' || s === 'zlib'),
        file,
      ).toEqual([]);
    }
    expect([...graph.keys()].some((f) => f.endsWith('worker-entry.ts'))).toBe(false);
    expect([...graph.keys()].some((f) => f.endsWith('readers/node-io.ts'))).toBe(false);
  });

  it('exports the API: main entry and @kindling/data/node', () => {
    for (const name of [
      'Dataset',
      'IterableDataset',
      'TensorDataset',
      'Subset',
      'ConcatDataset',
      'randomSplit',
      'DataLoader',
      'defaultCollate',
      'SequentialSampler',
      'RandomSampler',
      'SubsetRandomSampler',
      'WeightedRandomSampler',
      'BatchSampler',
      'getWorkerInfo',
      'transforms',
    ]) {
      expect(data, name).toHaveProperty(name);
    }
    for (const name of [
      'Compose',
      'ToTensor',
      'Normalize',
      'RandomHorizontalFlip',
      'RandomCrop',
      'CenterCrop',
      'Resize',
      'Lambda',
    ]) {
      expect(data.transforms, name).toHaveProperty(name);
    }
    for (const name of ['MNIST', 'FashionMNIST', 'CIFAR10', 'CSVDataset', 'fashionMnistRoot'])
      expect(node, name).toHaveProperty(name);
  });

  it('package.json maps "." and "./node" with the same conditions', () => {
    const pkg = JSON.parse(readFileSync(join(SRC, '..', 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    expect(Object.keys(pkg.exports['./node'])).toEqual(Object.keys(pkg.exports['.']));
    expect(pkg.exports['./node'].source).toBe('./src/node.ts');
  });
});
