/**
 * Train a CNN on Fashion-MNIST, the PyTorch way (reference.py beside this file is the same program in PyTorch).
 *
 *   npx -y pnpm@9.15.9 example                 # the committed real sample: a few minutes on 2 cores
 *   npx -y pnpm@9.15.9 example --full          # all 60,000 + 10,000 images (apt-get install dataset-fashion-mnist)
 *
 * Options: --full, --data DIR, --epochs N (3), --batch-size N (128), --lr X (0.003), --seed N (0), --out DIR (runs).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { numberFlag, parseFlags, runMain, stringFlag } from '../shared/cli.js';
import { writeChart } from '../shared/plot.js';
import { trainClassifier } from './train.js';

await runMain(() => {
  const flags = parseFlags(process.argv.slice(2), ['batch-size', 'data', 'epochs', 'full', 'lr', 'out', 'seed']);
  if (flags.help) {
    console.log('usage: example [--full | --data DIR] [--epochs N] [--batch-size N] [--lr X] [--seed N] [--out DIR]');
    return;
  }
  const out = stringFlag(flags, 'out') ?? 'runs';
  mkdirSync(out, { recursive: true });
  const result = trainClassifier({
    dataDir: stringFlag(flags, 'data'),
    full: flags.full === true,
    epochs: numberFlag(flags, 'epochs', 3),
    batchSize: numberFlag(flags, 'batch-size', 128),
    lr: numberFlag(flags, 'lr', 0.003),
    seed: numberFlag(flags, 'seed', 0),
    checkpoint: join(out, 'fashion-cnn.safetensors'),
  });
  const chart = join(out, 'training.svg');
  writeChart(chart, 'FashionCNN on Fashion-MNIST', 'epoch', [
    { name: 'train loss', color: '#d62728', values: result.epochs.map((e) => e.trainLoss), axis: 'left' },
    { name: 'test loss', color: '#ff9896', values: result.epochs.map((e) => e.testLoss), axis: 'left' },
    { name: 'test accuracy', color: '#1f77b4', values: result.epochs.map((e) => e.testAccuracy), axis: 'right' },
  ]);
  console.log(
    `best test accuracy ${(result.bestAccuracy * 100).toFixed(2)}%; checkpoint ${result.checkpoint}; chart ${chart}`,
  );
});
