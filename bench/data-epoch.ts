/**
 * A Fashion-MNIST training epoch of loading + collating (60,000 images, batch 128, shuffle, numWorkers 0),
 * Kindling against PyTorch's DataLoader on the same IDX files, in images per second:
 *
 *   tensors   DataLoader(TensorDataset(images / 255, labels)): per sample two row views, collated by stacking
 *             (bench/torch_data_epoch.py builds the same dataset in PyTorch)
 *   dataset   FashionMNIST({ transform: ToTensor() }): per sample an 8-bit image turned into a float tensor,
 *             against torchvision.datasets.FashionMNIST(transform=ToTensor()) (a PIL image per sample)
 *
 *   npx tsx --conditions=source bench/data-epoch.ts [--epochs 3]
 */
import { loadavg } from 'node:os';
import * as torch from '@kindling/core';
import { DataLoader, TensorDataset, transforms } from '@kindling/data';
import { FashionMNIST, fashionMnistRoot } from '@kindling/data/node';
import { benchFile, runPython } from './harness.js';

const argv = process.argv.slice(2);
const epochsArg = argv.indexOf('--epochs');
const epochs = epochsArg >= 0 ? Number(argv[epochsArg + 1]) : 3;
const { root, source } = fashionMnistRoot();

function epochMs(loader: Iterable<[torch.Tensor, torch.Tensor]>): { ms: number; n: number } {
  const t0 = performance.now();
  let n = 0;
  for (const [x] of loader) n += x.size(0);
  return { ms: performance.now() - t0, n };
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function timeEpochs(loader: Iterable<[torch.Tensor, torch.Tensor]>): { ms: number; n: number } {
  epochMs(loader); // warm-up
  const runs = Array.from({ length: epochs }, () => epochMs(loader));
  return { ms: median(runs.map((r) => r.ms)), n: runs[0].n };
}

const t0 = performance.now();
const train = new FashionMNIST({ root });
const loadMs = performance.now() - t0;
const images = train.data.float().div(255).unsqueeze(1);
torch.manualSeed(0);
const tensors = timeEpochs(new DataLoader(new TensorDataset(images, train.targets), { batchSize: 128, shuffle: true }));
const viaDataset = new FashionMNIST<torch.Tensor>({ root, transform: new transforms.ToTensor() });
const dataset = timeEpochs(new DataLoader(viaDataset, { batchSize: 128, shuffle: true }));

const script = benchFile('torch_data_epoch.py');
const { timings, note } = runPython(script, [root, String(epochs)]);

const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`;
console.log(
  `Fashion-MNIST epoch, batch 128, shuffle, numWorkers 0 (${source} data: ${tensors.n} images; load average ${loadavg()[0].toFixed(1)})\n`,
);
console.log(`${'path'.padEnd(44)}${'kindling'.padStart(14)}${'pytorch'.padStart(14)}${'ratio'.padStart(9)}`);
const row = (name: string, n: number, ms: number, torchMs: number | undefined): void => {
  const theirs = torchMs === undefined ? '—' : rate(n, torchMs);
  const ratio = torchMs === undefined ? '—' : `${(torchMs / ms).toFixed(2)}x`;
  console.log(`${name.padEnd(44)}${rate(n, ms).padStart(14)}${theirs.padStart(14)}${ratio.padStart(9)}`);
};
row('TensorDataset + default collate (images/s)', tensors.n, tensors.ms, timings?.tensor_epoch);
row('FashionMNIST + ToTensor (images/s)', dataset.n, dataset.ms, timings?.vision_epoch);
console.log(
  `${'reading the training files (ms)'.padEnd(44)}${loadMs.toFixed(0).padStart(14)}${(timings?.load?.toFixed(0) ?? '—').padStart(14)}`,
);
console.log('\nratio = Kindling images/s ÷ PyTorch images/s (above 1: Kindling is faster); PyTorch runs 1 thread.');
if (note) console.log(`note: ${note}`);
