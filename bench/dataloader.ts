/**
 * Background loading: one epoch of a dataset whose `get` costs about 1 ms of CPU, loaded with numWorkers 0
 * (in the training thread) and numWorkers 2 (worker threads re-creating the dataset from its module), both
 * with and without a simulated training step per batch.
 *
 *   npx tsx --conditions=source bench/dataloader.ts [--samples 1024] [--batch 32] [--step-ms 20]
 *
 * Worker start-up (module loading, TypeScript compilation under tsx) is reported separately: workers are
 * persistent, the first epoch warms them and the timed epochs reuse them.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DataLoader } from '@kindling/data';
import { CostlyDataset, render } from './dataloader-dataset.js';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const samples = arg('samples', 1024);
const batchSize = arg('batch', 32);
const stepMs = arg('step-ms', 20);
const MODULE = new URL('./dataloader-dataset.ts', import.meta.url);

/** Rounds of render() that take about `ms` milliseconds here (the median of several timings). */
function calibrate(ms: number): number {
  for (let i = 0; i < 300; i++) render(i, 8); // let the JIT optimise render first
  const perRound: number[] = [];
  for (let k = 0; k < 9; k++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) render(i, 32);
    perRound.push((performance.now() - t0) / 20 / 32);
  }
  return Math.max(1, Math.round(ms / median(perRound)));
}

/**
 * How many cores this process can really use right now (other load on the machine takes some): the same
 * busy loop in one thread, then in two threads at once.
 */
async function freeCores(): Promise<number> {
  const loop = 'let s = 0; for (let i = 0; i < 2e8; i++) s += i % 7; if (s < 0) console.log(s);';
  const once = async (threads: number): Promise<number> => {
    const t0 = performance.now();
    await Promise.all(
      Array.from(
        { length: threads },
        () => new Promise((resolve) => new Worker(loop, { eval: true }).on('exit', resolve)),
      ),
    );
    return performance.now() - t0;
  };
  const one = await once(1);
  const two = await once(2);
  return (2 * one) / two;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Busy CPU work standing in for a training step. */
function trainStep(ms: number): void {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  if (x < 0) console.log(x);
}

async function epoch(loader: DataLoader<[import('@kindling/core').Tensor, number]>, step: number): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  if (loader.numWorkers === 0) {
    for (const [x] of loader) {
      n += x.size(0);
      if (step > 0) trainStep(step);
    }
  } else {
    for await (const [x] of loader) {
      n += x.size(0);
      if (step > 0) trainStep(step);
    }
  }
  if (n !== samples) throw new Error(`expected ${samples} samples, got ${n}`);
  return performance.now() - t0;
}

const rounds = calibrate(1);
const getMs = median(
  Array.from({ length: 5 }, () => {
    const t0 = performance.now();
    for (let i = 0; i < 40; i++) render(i, rounds);
    return (performance.now() - t0) / 40;
  }),
);
console.log(
  `DataLoader background loading: ${samples} samples, batch ${batchSize}, get() ≈ ${getMs.toFixed(2)} ms of CPU, ` +
    `${availableParallelism()} cores (≈ ${(await freeCores()).toFixed(1)} free for this process; load average ${loadavg()[0].toFixed(1)})\n`,
);

const serial = new DataLoader(new CostlyDataset(samples, rounds), { batchSize, shuffle: true });
const workers = await DataLoader.fromModule<[import('@kindling/core').Tensor, number]>(MODULE, {
  exportName: 'CostlyDataset',
  args: [samples, rounds],
  batchSize,
  shuffle: true,
  numWorkers: 2,
  persistentWorkers: true,
});
const firstEpoch = await epoch(workers, 0); // includes starting the two workers

const rows: [string, number, number][] = [];
for (const step of [0, stepMs]) {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < 5; r++) {
    a.push(await epoch(serial, step));
    b.push(await epoch(workers, step));
  }
  rows.push([step === 0 ? 'loading only' : `loading + ${step} ms step/batch`, median(a), median(b)]);
}
await workers.close();

console.log(
  `${'epoch'.padEnd(32)}${'numWorkers 0'.padStart(14)}${'numWorkers 2'.padStart(14)}${'speed-up'.padStart(10)}`,
);
for (const [name, a, b] of rows) {
  console.log(
    `${name.padEnd(32)}${`${a.toFixed(0)} ms`.padStart(14)}${`${b.toFixed(0)} ms`.padStart(14)}${`${(a / b).toFixed(2)}x`.padStart(10)}`,
  );
}
console.log(
  `\nfirst epoch with numWorkers 2, including worker start-up: ${firstEpoch.toFixed(0)} ms ` +
    `(start-up ≈ ${(firstEpoch - rows[0][2]).toFixed(0)} ms, paid once with persistentWorkers, every epoch without)`,
);
