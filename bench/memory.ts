/**
 * Memory over a long training run, 10,000 steps by default, printing RSS, the JS heap and the typed-array memory
 * every 1,000 steps with the garbage collector's pauses in that interval, then the growth and one summary line for
 * the README. Workloads:
 * - `w2` (default): W2's MLP train step (784→512→256→10, batch 128, cross entropy, SGD momentum). A leak of one
 *   activation per step (128×512 float32, 256 KB) would add 2.5 GB.
 * - `classifier`: the train-classifier example's loop body (FashionCNN, batch 128 of 1×28×28, Adam, OneCycleLR,
 *   `loss.item()`), on random images.
 *
 *   pnpm bench:memory [--workload w2|classifier] [--steps 10000] [--every 1000] [--backend native|typescript] [--threads N]
 *
 * With --expose-gc (as `pnpm bench:memory` runs it) each sample is taken after a full garbage collection; those
 * forced collections are not counted in the pauses.
 */
import { GCProfiler } from 'node:v8';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { Adam, lrScheduler } from '@kindling/optim';
import { FashionCNN } from '../examples/train-classifier/model.js';
import { mlpStep } from './workloads-training.js';

const argv = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}
const workload = option('--workload', 'w2');
if (workload !== 'w2' && workload !== 'classifier')
  throw new Error(`--workload must be 'w2' or 'classifier', got '${workload}'`);
const steps = Number(option('--steps', '10000'));
const every = Number(option('--every', '1000'));
const backendArg = argv.includes('--backend') ? option('--backend', '') : undefined;
const threadsArg = argv.includes('--threads') ? Number(option('--threads', '1')) : undefined;
if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(every) || every < 1)
  throw new Error('--steps and --every expect positive integers');

const api = torch as unknown as {
  getKernelBackend?: () => { name: string; getNumThreads?: () => number };
  setKernelBackend?: (name: string) => unknown;
  setNumThreads?: (n: number) => void;
  getNumThreads?: () => number;
};
if (backendArg !== undefined) {
  if (api.setKernelBackend === undefined) {
    if (backendArg !== 'typescript')
      console.log(`${backendArg}: unavailable (this build of @kindling/core has no setKernelBackend)`);
  } else {
    try {
      api.setKernelBackend(backendArg);
    } catch (e) {
      console.log(
        `${backendArg}: unavailable (${(e as Error).message}); using ${api.getKernelBackend?.().name ?? 'typescript'}`,
      );
    }
  }
}
if (threadsArg !== undefined) api.setNumThreads?.(threadsArg);
const backend = api.getKernelBackend?.().name ?? 'typescript';
const threads = api.getKernelBackend?.().getNumThreads?.() ?? api.getNumThreads?.() ?? 1;

/** The train-classifier example's step: forward, loss, backward, Adam, the scheduler, and reading the loss. */
function classifierStep(): () => void {
  torch.manualSeed(0);
  const model = new FashionCNN();
  model.train();
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const scheduler = new lrScheduler.OneCycleLR(optimizer, 0.01, { totalSteps: steps + 1 });
  const images = torch.randn(128, 1, 28, 28);
  const labels = torch.randint(0, 10, [128]);
  return () => {
    optimizer.zeroGrad();
    const loss = criterion.forward(model.forward(images), labels);
    loss.backward();
    optimizer.step();
    scheduler.step();
    loss.item();
  };
}

const gc = (globalThis as { gc?: () => void }).gc;
const MB = 2 ** 20;
interface Sample {
  step: number;
  rss: number;
  heap: number;
  arrayBuffers: number;
  msPerStep: number;
  /** The collector's pauses since the previous sample (the forced collections excluded). */
  gcCount: number;
  gcMs: number;
  gcMaxMs: number;
}

// The collector's pauses in each interval as V8 reports them (the forced collections fall between intervals).
let profiler = new GCProfiler();
const total = { count: 0, ms: 0, max: 0 };

function sample(step: number, msPerStep: number): Sample {
  const stats = profiler.stop()?.statistics ?? [];
  let ms = 0;
  let max = 0;
  for (const e of stats) {
    ms += e.cost / 1000;
    max = Math.max(max, e.cost / 1000);
  }
  total.count += stats.length;
  total.ms += ms;
  total.max = Math.max(total.max, max);
  gc?.();
  const m = process.memoryUsage();
  profiler = new GCProfiler();
  profiler.start();
  return {
    step,
    rss: m.rss / MB,
    heap: m.heapUsed / MB,
    arrayBuffers: m.arrayBuffers / MB,
    msPerStep,
    gcCount: stats.length,
    gcMs: ms,
    gcMaxMs: max,
  };
}

const mb = (v: number): string => v.toFixed(1);
const signed = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(1)}`;
const cols = [8, 11, 11, 17, 12, 11, 12, 15];
const row = (cells: string[]): string => cells.map((c, i) => c.padStart(cols[i])).join('');

const title =
  workload === 'w2'
    ? 'W2 MLP train step (784-512-256-10, batch 128, SGD momentum)'
    : 'train-classifier step (FashionCNN, batch 128, Adam, OneCycleLR)';
console.log(
  `${title} x ${steps.toLocaleString('en-US')}: ${backend} kernels, ${threads} thread${threads === 1 ? '' : 's'}${gc ? '' : ' (no --expose-gc: samples without a forced GC)'}`,
);
console.log(
  row(['step', 'RSS MB', 'heap MB', 'arrayBuffers MB', 'ms/step', 'GC pauses', 'GC ms/step', 'longest GC ms']),
);
const step = workload === 'w2' ? mlpStep() : classifierStep();
profiler.start();
const samples: Sample[] = [sample(0, 0)];
console.log(row(['0', mb(samples[0].rss), mb(samples[0].heap), mb(samples[0].arrayBuffers), '-', '-', '-', '-']));
const tStart = performance.now();
let t0 = tStart;
for (let i = 1; i <= steps; i++) {
  step();
  if (i % every === 0 || i === steps) {
    const ms = (performance.now() - t0) / (i - samples[samples.length - 1].step);
    const interval = i - samples[samples.length - 1].step;
    const s = sample(i, ms);
    samples.push(s);
    console.log(
      row([
        String(i),
        mb(s.rss),
        mb(s.heap),
        mb(s.arrayBuffers),
        ms.toFixed(2),
        String(s.gcCount),
        (s.gcMs / interval).toFixed(3),
        s.gcMaxMs.toFixed(1),
      ]),
    );
    t0 = performance.now();
  }
}

// Growth after the first interval (optimizer state, allocator pools and JIT warm-up settle there) to the end.
const start = samples[0];
const warm = samples.length > 2 ? samples[1] : start;
const end = samples[samples.length - 1];
const span = end.step - warm.step;
console.log(
  `\ngrowth from step ${warm.step.toLocaleString('en-US')} to ${end.step.toLocaleString('en-US')}: RSS ${signed(end.rss - warm.rss)} MB, heap ${signed(end.heap - warm.heap)} MB, arrayBuffers ${signed(end.arrayBuffers - warm.arrayBuffers)} MB` +
    (span > 0 ? ` (RSS ${signed(((end.rss - warm.rss) * 1024) / span)} KB per step)` : ''),
);
console.log(
  `growth from the start (model, optimizer state, warm-up): RSS ${signed(end.rss - start.rss)} MB, heap ${signed(end.heap - start.heap)} MB`,
);
const mean = (performance.now() - tStart) / steps;
console.log(
  `garbage collector: ${total.count.toLocaleString('en-US')} pauses, ${total.ms.toFixed(0)} ms in all (${((total.ms / (performance.now() - tStart)) * 100).toFixed(1)}% of the run, ${(total.ms / steps).toFixed(3)} ms per step), the longest ${total.max.toFixed(1)} ms`,
);
console.log(
  `\nsummary: ${steps.toLocaleString('en-US')} ${workload === 'w2' ? 'W2 MLP' : 'train-classifier'} training steps (batch 128, ${backend} kernels, ${threads} thread${threads === 1 ? '' : 's'}, ${mean.toFixed(1)} ms/step): ` +
    `RSS ${mb(warm.rss)} → ${mb(end.rss)} MB (${signed(end.rss - warm.rss)} MB) and JS heap ${mb(warm.heap)} → ${mb(end.heap)} MB (${signed(end.heap - warm.heap)} MB) from step ${warm.step.toLocaleString('en-US')} to ${end.step.toLocaleString('en-US')}; GC pauses ${(total.ms / steps).toFixed(2)} ms per step, the longest ${total.max.toFixed(1)} ms.`,
);
