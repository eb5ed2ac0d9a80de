/**
 * Evaluates the checkpoint train-classifier saves, the way a PyTorch script does: model.eval() and a loop under
 * torch.no_grad(). Reports accuracy, per-class accuracy and a confusion matrix, checks that no output carries a
 * graph, and measures memory across batches with and without noGrad.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { DataLoader, Subset } from '@kindling/data';
import type { Module } from '@kindling/nn';
import { loadCheckpoint } from '../shared/checkpoint.js';
import { CLASSES, type DataChoice, loadFashionMnist } from '../shared/fashion-mnist.js';
import { FashionCNN } from '../train-classifier/model.js';

export interface EvaluateOptions extends DataChoice {
  checkpoint: string;
  /** 500, as train-classifier's own evaluation. */
  batchSize: number;
  /** Use only the first N test images (smoke tests). */
  limit?: number;
  /** Batches of `memoryBatchSize` images for the memory comparison with and without noGrad (0: skip it). */
  memoryBatches: number;
  memoryBatchSize: number;
  /** A full garbage collection before each memory reading; default `global.gc` (node --expose-gc), if any. */
  gc?: () => void;
  log?: (line: string) => void;
}

/** process.memoryUsage() after each batch, after a full GC when `global.gc` is exposed (node --expose-gc). */
export interface MemoryTrace {
  heapUsed: number[];
  /** Bytes in ArrayBuffers: where tensor storage lives. */
  arrayBuffers: number[];
  afterGc: boolean;
}

export interface ClassResult {
  name: string;
  correct: number;
  total: number;
  accuracy: number;
}

export interface EvaluateResult {
  accuracy: number;
  correct: number;
  total: number;
  perClass: ClassResult[];
  /** confusion[true][predicted] */
  confusion: number[][];
  outputs: number;
  outputsWithGradFn: number;
  outputsRequiringGrad: number;
  memory: MemoryTrace;
  comparison: { noGrad: MemoryTrace; withGrad: MemoryTrace } | null;
  metadata: Record<string, string>;
  seconds: number;
}

function sample(trace: MemoryTrace, gc: (() => void) | undefined): void {
  // Twice: the first collection finds dead tensors, whose storage (ArrayBuffers) may go only in a later one.
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  trace.heapUsed.push(m.heapUsed);
  trace.arrayBuffers.push(m.arrayBuffers);
}

const newTrace = (gc: (() => void) | undefined): MemoryTrace => ({
  heapUsed: [],
  arrayBuffers: [],
  afterGc: gc !== undefined,
});

/**
 * The same loop with and without noGrad, keeping every batch's output as an evaluation that looks at all of
 * them at the end does. Without noGrad each kept output holds its whole graph, and the graph holds the
 * activations it saved for backward: memory grows with every batch (PyTorch's FAQ: "accumulating history").
 */
export function memoryComparison(
  model: Module,
  loader: DataLoader<[Tensor, number]>,
  batches: number,
  gc?: () => void,
) {
  const run = (useNoGrad: boolean): MemoryTrace => {
    const kept: Tensor[] = [];
    const trace = newTrace(gc);
    sample(trace, gc);
    // torch.set_grad_enabled(not use_no_grad) as a block: restored when `_` goes out of scope.
    using _ = torch.setGradEnabled(!useNoGrad);
    for (const [images] of loader) {
      kept.push(model.forward(images) as Tensor);
      sample(trace, gc);
      if (kept.length >= batches) break;
    }
    return trace;
  };
  model.eval();
  return { noGrad: run(true), withGrad: run(false) };
}

export function runEvaluate(options: EvaluateOptions): EvaluateResult {
  const log = options.log ?? console.log;
  const gc = options.gc ?? (globalThis as { gc?: () => void }).gc;
  const start = performance.now();
  const model = new FashionCNN();
  const metadata = loadCheckpoint(
    model,
    options.checkpoint,
    'Train one first with `pnpm example` (it saves runs/fashion-cnn.safetensors), or pass --checkpoint PATH.',
  );
  const saved = metadata.epoch
    ? ` (saved after epoch ${metadata.epoch}, test accuracy then ${metadata.testAccuracy})`
    : '';
  log(`checkpoint: ${options.checkpoint}${saved}`);
  const data = loadFashionMnist(options);
  log(`data: ${data.description}`);
  const indices = Array.from({ length: Math.min(data.test.length, options.limit ?? Infinity) }, (_, i) => i);
  const testSet = options.limit ? new Subset(data.test, indices) : data.test;
  const loader = new DataLoader(testSet, { batchSize: options.batchSize });

  const outputs: Tensor[] = [];
  const targets: Tensor[] = [];
  const memory = newTrace(gc);
  let outputsWithGradFn = 0;
  let outputsRequiringGrad = 0;
  model.eval();
  torch.noGrad(() => {
    for (const [images, labels] of loader) {
      const logits = model.forward(images);
      if (logits.gradFn !== null) outputsWithGradFn++;
      if (logits.requiresGrad) outputsRequiringGrad++;
      outputs.push(logits);
      targets.push(labels);
      sample(memory, gc);
    }
  });

  const predicted = torch.cat(outputs).argmax(1).tolist() as number[];
  const truth = torch.cat(targets).tolist() as number[];
  const confusion = CLASSES.map(() => CLASSES.map(() => 0));
  predicted.forEach((p, i) => confusion[truth[i]][p]++);
  const perClass = CLASSES.map((name, c) => {
    const total = confusion[c].reduce((a, b) => a + b, 0);
    return { name, correct: confusion[c][c], total, accuracy: total ? confusion[c][c] / total : 0 };
  });
  const correct = perClass.reduce((n, c) => n + c.correct, 0);

  let comparison: EvaluateResult['comparison'] = null;
  if (options.memoryBatches > 0) {
    comparison = memoryComparison(
      model,
      new DataLoader(testSet, { batchSize: options.memoryBatchSize }),
      options.memoryBatches,
      gc,
    );
  }
  return {
    accuracy: correct / truth.length,
    correct,
    total: truth.length,
    perClass,
    confusion,
    outputs: outputs.length,
    outputsWithGradFn,
    outputsRequiringGrad,
    memory,
    comparison,
    metadata,
    seconds: (performance.now() - start) / 1000,
  };
}

/** The confusion matrix as an aligned text table: rows are true classes, columns predicted ones. */
export function formatConfusion(confusion: number[][], names: readonly string[]): string {
  const width = Math.max(4, ...confusion.flat().map((n) => String(n).length + 1));
  const corner = 'true \\ predicted';
  const label = Math.max(corner.length, ...names.map((n, i) => `${i} ${n}`.length));
  const head = `${corner.padEnd(label)}${names.map((_, i) => String(i).padStart(width)).join('')}`;
  const rows = confusion.map(
    (row, i) => `${`${i} ${names[i]}`.padEnd(label)}${row.map((n) => String(n).padStart(width)).join('')}`,
  );
  return [head, ...rows].join('\n');
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** Memory after each batch as text, and the growth per batch. */
export function formatMemory(trace: MemoryTrace): { perBatch: string; growthPerBatch: number; spread: number } {
  const total = trace.heapUsed.map((h, i) => h + trace.arrayBuffers[i]);
  const growthPerBatch = total.length > 1 ? (total[total.length - 1] - total[0]) / (total.length - 1) : 0;
  return {
    perBatch: trace.heapUsed.map((h, i) => `${mb(h)}+${mb(trace.arrayBuffers[i])}`).join(' '),
    growthPerBatch,
    spread: Math.max(...trace.heapUsed) - Math.min(...trace.heapUsed),
  };
}
