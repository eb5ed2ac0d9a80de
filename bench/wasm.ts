/**
 * Kindling's WebAssembly backend against TensorFlow.js's WASM backend (4.22, SIMD; XNNPACK), in one Node run:
 * W1 float32 GEMM at 256/512/1024 (GFLOP/s, 1 and 2 threads for Kindling; tfjs-wasm runs one thread in Node),
 * W2's MLP train step (784-512-256-10, batch 128, softmax cross entropy, SGD momentum 0.9) and W4's ResNet-18 eval
 * forward (1×3×224×224) on both, and W3's CNN train step on Kindling's WebAssembly and native backends (tfjs-wasm
 * has no convolution backward kernels). The systems of a workload are timed in interleaved rounds (see
 * `interleaved`), so their ratios hold on a shared, noisy machine.
 *
 *   pnpm bench:wasm [--quick] [--json FILE]
 *   pnpm bench:wasm:relaxed [--quick] [--json FILE]
 *
 * The second runs Node with --experimental-wasm-relaxed-simd, which Node 20 needs to validate relaxed SIMD (the
 * fused multiply-adds Chromium runs by default): Kindling then loads its relaxed-SIMD modules, as in Chromium.
 * tfjs-wasm 4.22 has no relaxed-SIMD build, so its figures are the same either way.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cpus } from 'node:os';
import * as torch from '@kindling/core';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { w1Gemm } from './workloads.js';
import { mlpStep, w3Cnn, w4ResNet } from './workloads-training.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const jsonAt = argv.indexOf('--json');
const jsonFile = jsonAt >= 0 ? argv[jsonAt + 1] : undefined;

interface Row {
  workload: string;
  system: string;
  threads: number;
  ms: number;
  gflops?: number;
}
const rows: Row[] = [];
const log = (line: string): void => void process.stderr.write(`${line}\n`);

function record(workload: string, system: string, threads: number, ms: number, flops?: number): void {
  rows.push({ workload, system, threads, ms, ...(flops ? { gflops: flops / (ms * 1e6) } : {}) });
  log(`  ${system.padEnd(16)} ${threads}t  ${workload.padEnd(34)} ${ms.toFixed(2)} ms`);
}

// ---- tfjs-wasm ----

const tfjsDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
setWasmPaths(`${join(tfjsDir, 'dist')}/`);
await tf.setBackend('wasm');
await tf.ready();

function tfjsGemm(n: number): () => void {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  return () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
}

/**
 * W2 in tfjs: the same layer sizes and PyTorch's default init scale, cross entropy, momentum SGD. The backward
 * pass is written out (tfjs-core's tape needs its gradient registry, which only the full tfjs bundle loads): the
 * same kernels its autograd would run, without its bookkeeping.
 */
function tfjsMlpStep(): () => void {
  const sizes = [784, 512, 256, 10];
  const W: tf.Variable[] = [];
  const b: tf.Variable[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const bound = 1 / Math.sqrt(sizes[i]);
    W.push(tf.variable(tf.randomUniform([sizes[i], sizes[i + 1]], -bound, bound)));
    b.push(tf.variable(tf.randomUniform([sizes[i + 1]], -bound, bound)));
  }
  const params = [...W, ...b];
  const velocity = params.map((p) => tf.variable(tf.zerosLike(p)));
  const x = tf.randomNormal([128, 784]);
  const y = tf.oneHot(tf.randomUniform([128], 0, 10, 'int32'), 10);
  return () => {
    tf.tidy(() => {
      const h1 = tf.relu(tf.add(tf.matMul(x, W[0]), b[0]));
      const h2 = tf.relu(tf.add(tf.matMul(h1, W[1]), b[1]));
      const z = tf.add(tf.matMul(h2, W[2]), b[2]);
      const loss = tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(z)), 1)));
      const dz = tf.div(tf.sub(tf.softmax(z), y), 128);
      const dh2 = tf.mul(tf.matMul(dz, W[2], false, true), tf.step(h2));
      const dh1 = tf.mul(tf.matMul(dh2, W[1], false, true), tf.step(h1));
      const grads = [
        tf.matMul(x, dh1, true),
        tf.matMul(h1, dh2, true),
        tf.matMul(h2, dz, true),
        tf.sum(dh1, 0),
        tf.sum(dh2, 0),
        tf.sum(dz, 0),
      ];
      params.forEach((p, i) => {
        velocity[i].assign(tf.add(tf.mul(velocity[i], 0.9), grads[i]));
        p.assign(tf.sub(p, tf.mul(velocity[i], 0.01)));
      });
      loss.dataSync();
    });
  };
}

/** W4's eval forward in tfjs: ResNet-18 (NHWC, 'same' padding: the shapes and FLOPs of torchvision's), 1×224×224×3. */
function tfjsResnet18Forward(): () => void {
  const conv = (cin: number, cout: number, k: number) =>
    tf.randomNormal([k, k, cin, cout], 0, Math.sqrt(2 / (k * k * cin)));
  const bn = (c: number) => ({
    mean: tf.zeros([c]),
    variance: tf.ones([c]),
    scale: tf.ones([c]),
    offset: tf.zeros([c]),
  });
  const applyBn = (x: tf.Tensor4D, b: ReturnType<typeof bn>) =>
    tf.batchNorm(x, b.mean, b.variance, b.offset, b.scale, 1e-5);
  const blocks: {
    c1: tf.Tensor4D;
    b1: ReturnType<typeof bn>;
    c2: tf.Tensor4D;
    b2: ReturnType<typeof bn>;
    stride: number;
    down: { c: tf.Tensor4D; b: ReturnType<typeof bn> } | null;
  }[] = [];
  let cin = 64;
  for (const [cout, stride] of [
    [64, 1],
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
  ]) {
    const down = stride !== 1 || cin !== cout ? { c: conv(cin, cout, 1) as tf.Tensor4D, b: bn(cout) } : null;
    blocks.push({
      c1: conv(cin, cout, 3) as tf.Tensor4D,
      b1: bn(cout),
      c2: conv(cout, cout, 3) as tf.Tensor4D,
      b2: bn(cout),
      stride,
      down,
    });
    cin = cout;
  }
  const stem = conv(3, 64, 7) as tf.Tensor4D;
  const stemBn = bn(64);
  const fc = tf.randomNormal([512, 1000], 0, 0.02);
  const x = tf.randomNormal([1, 224, 224, 3]) as tf.Tensor4D;
  return () => {
    tf.tidy(() => {
      let h = tf.maxPool(tf.relu(applyBn(tf.conv2d(x, stem, 2, 'same'), stemBn)) as tf.Tensor4D, 3, 2, 'same');
      for (const b of blocks) {
        const y = tf.relu(applyBn(tf.conv2d(h, b.c1, b.stride, 'same'), b.b1)) as tf.Tensor4D;
        const z = applyBn(tf.conv2d(y, b.c2, 1, 'same'), b.b2);
        const skip = b.down ? applyBn(tf.conv2d(h, b.down.c, b.stride, 'same'), b.down.b) : h;
        h = tf.relu(tf.add(z, skip)) as tf.Tensor4D;
      }
      tf.matMul(tf.mean(h, [1, 2]), fc).dataSync();
    });
  };
}

// ---- interleaved timing ----

/** One system a workload runs on: its name, thread count, and how to make it the current one. */
interface System {
  system: string;
  threads: number;
  enter(): void;
}

const kindlingSystems: System[] = [];
for (const backend of ['wasm', 'native'] as const) {
  if (!torch.availableKernelBackends().includes(backend)) {
    log(`kindling-${backend}: unavailable`);
    continue;
  }
  for (const threads of [1, 2]) {
    kindlingSystems.push({
      system: `kindling-${backend}`,
      threads,
      enter: () => (torch.setKernelBackend(backend), torch.setNumThreads(threads)),
    });
  }
}
const tfjsSystem: System = { system: 'tfjs-wasm', threads: 1, enter: () => {} };

/**
 * Times one workload on several systems in rounds: each round takes one sample of every system in turn, so a
 * change in the machine's load (it is shared) reaches every system alike; each system's median is recorded.
 */
function interleaved(
  workload: string,
  runs: { system: System; fn: () => void }[],
  rounds: number,
  minMs: number,
  flops?: number,
): void {
  const iters = runs.map(({ system, fn }) => {
    system.enter();
    fn();
    fn();
    let n = 1;
    for (;;) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) fn();
      if (minMs === 0 || performance.now() - t0 >= minMs || n >= 1 << 16) return n;
      n *= 2;
    }
  });
  const samples = runs.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    runs.forEach(({ system, fn }, k) => {
      system.enter();
      const t0 = performance.now();
      for (let i = 0; i < iters[k]; i++) fn();
      samples[k].push((performance.now() - t0) / iters[k]);
    });
  }
  runs.forEach(({ system }, k) => {
    const sorted = samples[k].sort((a, b) => a - b);
    record(workload, system.system, system.threads, sorted[Math.floor(sorted.length / 2)], flops);
  });
}

const rounds = quick ? 3 : 7;
const gemms = quick ? w1Gemm().filter((w) => w.quick) : w1Gemm();
for (const w of gemms) {
  const n = Number(/(\d+)x/.exec(w.name)?.[1]);
  interleaved(
    w.name,
    [{ system: tfjsSystem, fn: tfjsGemm(n) }, ...kindlingSystems.map((system) => ({ system, fn: w.setup() }))],
    rounds,
    50,
    w.flops,
  );
}
const W2_NAME = 'W2 MLP train step (b=128)';
interleaved(
  W2_NAME,
  [{ system: tfjsSystem, fn: tfjsMlpStep() }, ...kindlingSystems.map((system) => ({ system, fn: mlpStep() }))],
  rounds,
  50,
);
if (!quick) {
  const w3 = w3Cnn();
  interleaved(
    w3.name,
    kindlingSystems.map((system) => ({ system, fn: w3.setup() })),
    rounds,
    0,
  );
  const w4 = w4ResNet()[1];
  interleaved(
    w4.name,
    [
      { system: tfjsSystem, fn: tfjsResnet18Forward() },
      ...kindlingSystems.map((system) => ({ system, fn: w4.setup() })),
    ],
    rounds,
    0,
  );
}

// ---- table ----

const find = (workload: string, system: string, threads: number): Row | undefined =>
  rows.find((r) => r.workload === workload && r.system === system && r.threads === threads);
const fmt = (r: Row | undefined): string =>
  r === undefined ? '-' : r.gflops !== undefined ? `${r.gflops.toFixed(1)} GF/s` : `${r.ms.toFixed(2)} ms`;
const ratio = (a: Row | undefined, b: Row | undefined): string => (a && b ? `${(b.ms / a.ms).toFixed(2)}x` : '-');

/** The instruction set Kindling's WebAssembly kernels ran: relaxed SIMD where the engine validates it. */
function wasmIsa(): string {
  if (!torch.availableKernelBackends().includes('wasm')) return 'unavailable';
  torch.setKernelBackend('wasm');
  return (torch.getKernelBackend() as { isa?: string }).isa ?? 'wasm';
}

console.log(
  `\nKindling WebAssembly (${wasmIsa()}) vs TensorFlow.js WASM 4.22 (SIMD) in Node ${process.version}, ${cpus()[0]?.model ?? 'CPU'}`,
);
console.log(
  `${'workload'.padEnd(34)}${'tfjs-wasm 1t'.padStart(14)}${'kindling-wasm 1t'.padStart(18)}${'speed-up'.padStart(10)}${'kindling-wasm 2t'.padStart(18)}${'speed-up'.padStart(10)}${'native 2t'.padStart(14)}`,
);
const names = [...new Set(rows.map((r) => r.workload))];
for (const name of names) {
  const tfjs = find(name, 'tfjs-wasm', 1);
  const k1 = find(name, 'kindling-wasm', 1);
  const k2 = find(name, 'kindling-wasm', 2);
  const n2 = find(name, 'kindling-native', 2);
  console.log(
    `${name.padEnd(34)}${fmt(tfjs).padStart(14)}${fmt(k1).padStart(18)}${ratio(k1, tfjs).padStart(10)}${fmt(k2).padStart(18)}${ratio(k2, tfjs).padStart(10)}${fmt(n2).padStart(14)}`,
  );
}
console.log('speed-up: tfjs-wasm time / Kindling time (higher is better); W3: tfjs-wasm cannot train convolutions');
const w3 = names.find((n) => n.startsWith('W3'));
if (w3) {
  for (const t of [1, 2]) {
    const k = find(w3, 'kindling-wasm', t);
    const n = find(w3, 'kindling-native', t);
    if (k && n) console.log(`W3 on WebAssembly / native, ${t} thread${t > 1 ? 's' : ''}: ${(k.ms / n.ms).toFixed(2)}x`);
  }
}
if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ node: process.version, cpu: cpus()[0]?.model, rows }, null, 2));
