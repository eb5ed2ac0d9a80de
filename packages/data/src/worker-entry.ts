/**
 * The script a DataLoader worker thread runs (Node.js only; never imported by the package's entries). It seeds
 * the default generator with base seed + worker id, builds its own copy of the dataset from the module named in
 * `workerData` (getWorkerInfo() already answers there), then answers the main thread's tasks one after another:
 * a later epoch re-seeds the generator, and each task loads the samples at the given indices (collating them
 * when asked) and sends them back with their buffers transferred.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as torch from '@kindling/core';
import { defaultCollate, defaultConvert } from './collate.js';
import { encode, encodeError } from './transfer.js';
import { setWorkerInfo } from './worker-info.js';
import type { WorkerMode } from './workers.js';

interface Data {
  module: string;
  exportName: string;
  args: unknown[];
  id: number;
  numWorkers: number;
  /** The first epoch's seed (base seed + id), set before the dataset is built. */
  seed: number;
}

type Message = { type: 'epoch'; seed: number } | { type: 'fetch'; task: number; indices: number[]; mode: WorkerMode };

interface Gettable {
  get(index: number): unknown;
}

const port = parentPort as NonNullable<typeof parentPort>;
const data = workerData as Data;

function isClass(fn: unknown): fn is new (...args: unknown[]) => unknown {
  return typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

async function createDataset(): Promise<Gettable> {
  const mod = (await import(data.module)) as Record<string, unknown>;
  const exported = mod[data.exportName];
  if (typeof exported !== 'function') {
    throw new TypeError(
      `DataLoader worker: ${data.module} has no export '${data.exportName}' that is a class or a function`,
    );
  }
  const dataset: unknown = isClass(exported)
    ? new exported(...data.args)
    : await (exported as (...a: unknown[]) => unknown)(...data.args);
  if (typeof (dataset as Partial<Gettable> | null)?.get !== 'function') {
    throw new TypeError(
      `DataLoader worker: '${data.exportName}' from ${data.module} did not give a map-style dataset (with get(i))`,
    );
  }
  return dataset as Gettable;
}

async function run(dataset: Gettable, msg: Message): Promise<void> {
  if (msg.type === 'epoch') {
    torch.manualSeed(msg.seed);
    setWorkerInfo({ id: data.id, numWorkers: data.numWorkers, seed: msg.seed, dataset });
    return;
  }
  try {
    const samples = await Promise.all(msg.indices.map((i) => dataset.get(i)));
    const value =
      msg.mode === 'collate'
        ? defaultCollate(samples)
        : msg.mode === 'samples'
          ? samples
          : msg.mode === 'convert'
            ? defaultConvert(samples[0])
            : samples[0];
    const encoded = encode(value);
    port.postMessage({ type: 'result', task: msg.task, value: encoded.value }, encoded.transfer);
  } catch (e) {
    port.postMessage({ type: 'error', task: msg.task, error: encodeError(e) });
  }
}

try {
  torch.manualSeed(data.seed);
  setWorkerInfo({ id: data.id, numWorkers: data.numWorkers, seed: data.seed, dataset: null });
  const dataset = await createDataset();
  setWorkerInfo({ id: data.id, numWorkers: data.numWorkers, seed: data.seed, dataset });
  let queue = Promise.resolve();
  port.on('message', (msg: Message) => {
    queue = queue.then(() => run(dataset, msg));
  });
  port.postMessage({ type: 'ready' });
} catch (e) {
  port.postMessage({ type: 'fatal', error: encodeError(e) });
}
