/**
 * The page: loads the WebAssembly kernels (threads when the page is cross-origin isolated), the committed
 * Fashion-MNIST sample, and trains examples/train-classifier's FashionCNN in this tab — Adam, cross entropy,
 * batches of 64 — with a live chart, images/second, a stop button, test predictions and a downloadable
 * safetensors checkpoint that `pnpm example:evaluate --checkpoint FILE` reads in Node.
 *
 * `?autostart=1&steps=N` starts at once and stops after N steps (what the browser test uses); `?wasm=URL` and
 * `?data=URL` load the kernels and the sample from elsewhere. The state is on `window.kindlingDemo` for scripts
 * and tests.
 */
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { Adam } from '@kindling/optim';
import { FashionCNN } from '../train-classifier/model.js';
import { type Split, loadSample } from './data.js';
import { type DemoState, drawChart, drawPredictions } from './view.js';

const BATCH = 64;
const EVAL_EVERY = 25;
const GRID = 16;

const state: DemoState = {
  ready: false,
  running: false,
  backend: 'typescript',
  threads: 1,
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
  step: 0,
  epoch: 0,
  imagesPerSecond: 0,
  losses: [],
  accuracies: [],
  notes: [],
  error: null,
};
(globalThis as unknown as { kindlingDemo: DemoState }).kindlingDemo = state;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const maxSteps = Number(params.get('steps') ?? Infinity);

function note(text: string, kind: 'info' | 'warn' | 'error' = 'info'): void {
  state.notes.push(text);
  const p = document.createElement('p');
  p.className = kind;
  p.textContent = text;
  $('notes').append(p);
}

function show(id: string, text: string): void {
  $(id).textContent = text;
}

async function chooseKernels(): Promise<void> {
  if (!state.crossOriginIsolated) {
    note(
      'This page is not cross-origin isolated (no COOP/COEP headers), so SharedArrayBuffer is unavailable: the WebAssembly kernels run on one thread. `pnpm example:browser` serves it with the headers.',
      'warn',
    );
  }
  try {
    await torch.loadWasmBackend(new URL(params.get('wasm') ?? './wasm/', location.href));
  } catch (e) {
    note(
      `The WebAssembly kernels could not start (${(e as Error).message}); training runs on the TypeScript kernels, several times slower.`,
      'warn',
    );
  }
  const backend = torch.getKernelBackend() as torch.KernelBackend & { isa?: string };
  state.backend = backend.name;
  state.threads = torch.getNumThreads();
  show('backend', backend.isa ? `${backend.name} (${backend.isa})` : backend.name);
  show('threads', String(state.threads));
}

async function main(): Promise<void> {
  $('notes').replaceChildren();
  await chooseKernels();
  let data: { train: Split; test: Split };
  try {
    data = await loadSample(new URL(params.get('data') ?? './data/', location.href).href);
  } catch (e) {
    state.error = `The Fashion-MNIST sample could not be loaded (${(e as Error).message}).`;
    note(
      `${state.error} There is nothing to train on; the kernels above still work. Serve the page with \`pnpm example:browser\`, which serves the sample under ./data/.`,
      'error',
    );
    return;
  }
  note(
    `Fashion-MNIST sample: ${data.train.labels.shape[0]} training and ${data.test.labels.shape[0]} test images. Kernels: ${state.backend}, ${state.threads} thread${state.threads > 1 ? 's' : ''}.`,
  );

  torch.manualSeed(0);
  const model = new FashionCNN();
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const gridImages = data.test.images.narrow(0, 0, GRID);
  const gridLabels = Array.from(data.test.labels.narrow(0, 0, GRID).toArray(), Number);

  const evaluate = (): void => {
    model.eval();
    torch.noGrad(() => {
      const logits = model.forward(data.test.images);
      const predicted = logits.argmax(1);
      const accuracy = predicted.eq(data.test.labels).sum().item() / data.test.labels.shape[0];
      state.accuracies.push([state.step, accuracy]);
      show('accuracy', `${(accuracy * 100).toFixed(1)}%`);
      drawPredictions($('grid'), gridImages, gridLabels, Array.from(predicted.narrow(0, 0, GRID).toArray(), Number));
    });
    model.train();
  };

  const n = data.train.labels.shape[0];
  let order = torch.randperm(n);
  let cursor = 0;
  let trainMs = 0;
  let trained = 0;
  const step = (): void => {
    if (cursor + BATCH > n) {
      order = torch.randperm(n);
      cursor = 0;
      state.epoch += 1;
    }
    const index = order.narrow(0, cursor, BATCH);
    cursor += BATCH;
    const t0 = performance.now();
    optimizer.zeroGrad();
    const loss = criterion.forward(
      model.forward(data.train.images.indexSelect(0, index)),
      data.train.labels.indexSelect(0, index),
    );
    loss.backward();
    optimizer.step();
    const value = loss.item();
    trainMs += performance.now() - t0;
    trained += BATCH;
    state.step += 1;
    state.losses.push(value);
    state.imagesPerSecond = (trained / trainMs) * 1000;
    show('step', String(state.step));
    show('epoch', String(state.epoch));
    show('loss', value.toFixed(4));
    show('speed', state.imagesPerSecond.toFixed(0));
  };

  const download = (): void => {
    const last = state.accuracies.at(-1);
    const bytes = torch.serialize(model.stateDict(), {
      architecture: 'FashionCNN',
      steps: String(state.step),
      ...(last ? { testAccuracy: last[1].toFixed(4) } : {}),
    });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
    a.download = 'fashion-cnn-browser.safetensors';
    a.click();
  };

  const run = async (): Promise<void> => {
    state.running = true;
    $<HTMLButtonElement>('start').disabled = true;
    $<HTMLButtonElement>('stop').disabled = false;
    model.train();
    if (state.accuracies.length === 0) evaluate();
    while (state.running && state.step < maxSteps) {
      step();
      if (state.step % EVAL_EVERY === 0) evaluate();
      if (state.step % 5 === 0) drawChart($('chart'), state);
      // Let the page paint and take clicks between steps.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    if (state.step % EVAL_EVERY !== 0) evaluate();
    drawChart($('chart'), state);
    state.running = false;
    $<HTMLButtonElement>('start').disabled = state.step >= maxSteps;
    $<HTMLButtonElement>('stop').disabled = true;
    $<HTMLButtonElement>('download').disabled = false;
  };

  $('start').addEventListener('click', () => void run());
  $('stop').addEventListener('click', () => void (state.running = false));
  $('download').addEventListener('click', download);
  $<HTMLButtonElement>('start').disabled = false;
  drawChart($('chart'), state);
  state.ready = true;
  if (params.get('autostart') === '1') await run();
}

main().catch((e: unknown) => {
  state.error = (e as Error).message;
  note(`Something failed: ${state.error}`, 'error');
});
