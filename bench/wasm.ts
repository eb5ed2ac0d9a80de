/**
 * Kindling's WebAssembly backend against TensorFlow.js's WASM backend (4.22, SIMD; XNNPACK), in one Node run:
 * W1 float32 GEMM at 256/512/1024 (GFLOP/s, 1 and 2 threads for Kindling; tfjs-wasm runs one thread in Node),
 * W2's MLP train step (784-512-256-10, batch 128, softmax cross entropy, SGD momentum 0.9) and W4's ResNet-18 eval
 * forward (1×3×224×224) on both, and W3's CNN train step on Kindling's WebAssembly and native backends (tfjs-wasm
 * has no convolution backward kernels). The systems of a workload are timed in interleaved rounds (see
 * `interleaved`), so their ratios hold on a shared, noisy machine. tfjs-wasm runs in a process of its own
 * (tfjs-process.ts: in Kindling's process, its objects changed when V8 collected Kindling's garbage).
 *
 *   pnpm bench:wasm [--quick] [--json FILE]
 *   pnpm bench:wasm:relaxed [--quick] [--json FILE]
 *
 * The second runs Node with --experimental-wasm-relaxed-simd, which Node 20 needs to validate relaxed SIMD (the
 * fused multiply-adds Chromium runs by default): Kindling then loads its relaxed-SIMD modules, as in Chromium.
 * tfjs-wasm 4.22 has no relaxed-SIMD build, so its figures are the same either way.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as torch from '@kindling/core';
import { SETTLE_MS, TURN_MS, type TimedWorkload, interleave, localWorkload } from './interleave.js';
import { median } from './rounds.js';
import { TfjsRemote } from './tfjs-remote.js';
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
const tfjs = new TfjsRemote();

/**
 * A Kindling workload, set up on the system that runs it (as a program that picks its backend first: a model made
 * while the WebAssembly backend is active has its weights in the module's memory) and timed here as
 * tfjs-process.ts times tfjs's.
 */
function local(system: System, setup: () => () => void): TimedWorkload {
  system.enter();
  return localWorkload(setup());
}

/**
 * Times one workload on several systems in interleaved rounds (interleave.ts), each turn after a pause and sampling
 * back to back for TURN_MS as `pnpm bench` does, and records each one's median.
 */
async function interleaved(
  workload: string,
  runs: { system: System; timer: TimedWorkload }[],
  rounds: number,
  minMs: number,
  flops?: number,
): Promise<void> {
  const samples = await interleave(
    runs.map(({ system, timer }) => ({ enter: () => system.enter(), timer })),
    { rounds, minMs, settleMs: SETTLE_MS, turnMs: TURN_MS },
  );
  runs.forEach(({ system }, k) => record(workload, system.system, system.threads, median(samples[k]), flops));
}

const rounds = quick ? 3 : 7;
const gemms = quick ? w1Gemm().filter((w) => w.quick) : w1Gemm();
for (const w of gemms) {
  const n = Number(/(\d+)x/.exec(w.name)?.[1]);
  await interleaved(
    w.name,
    [
      { system: tfjsSystem, timer: await tfjs.setup({ kind: 'gemm', n }) },
      ...kindlingSystems.map((system) => ({ system, timer: local(system, () => w.setup()) })),
    ],
    rounds,
    50,
    w.flops,
  );
}
const W2_NAME = 'W2 MLP train step (b=128)';
await interleaved(
  W2_NAME,
  [
    { system: tfjsSystem, timer: await tfjs.setup({ kind: 'mlp' }) },
    ...kindlingSystems.map((system) => ({ system, timer: local(system, mlpStep) })),
  ],
  rounds,
  50,
);
if (!quick) {
  const w3 = w3Cnn();
  await interleaved(
    w3.name,
    kindlingSystems.map((system) => ({ system, timer: local(system, () => w3.setup()) })),
    rounds,
    0,
  );
  const w4 = w4ResNet()[1];
  await interleaved(
    w4.name,
    [
      { system: tfjsSystem, timer: await tfjs.setup({ kind: 'resnet18' }) },
      ...kindlingSystems.map((system) => ({ system, timer: local(system, () => w4.setup()) })),
    ],
    rounds,
    0,
  );
}
tfjs.close();

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
