/** Timing helpers shared by the benchmarks: warm up, then take the median of several timed runs. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Timing {
  name: string;
  /** Median milliseconds per iteration. */
  ms: number;
}

export function time(name: string, fn: () => void, options: { warmup?: number; runs?: number; minMs?: number } = {}): Timing {
  const warmup = options.warmup ?? 3;
  const runs = options.runs ?? 7;
  const minMs = options.minMs ?? 50;
  for (let i = 0; i < warmup; i++) fn();
  // Pick an iteration count so one run lasts at least minMs.
  let iters = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= minMs || iters >= 1 << 20) break;
    iters *= 2;
  }
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) fn();
    samples.push((performance.now() - t0) / iters);
  }
  samples.sort((a, b) => a - b);
  return { name, ms: samples[Math.floor(samples.length / 2)] };
}

const PYTHON = '/usr/bin/python3';

/** Runs a PyTorch script that prints one JSON object of `{ name: ms }`; null (with the reason) when unavailable. */
export function runPython(script: string, args: string[] = []): { timings: Record<string, number> | null; note: string } {
  if (!existsSync(PYTHON)) return { timings: null, note: `${PYTHON} not found: PyTorch baseline skipped` };
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return { timings: null, note: 'PyTorch is not installed (apt-get install python3-torch libopenblas0-pthread): baseline skipped' };
  }
  const res = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (res.status !== 0) return { timings: null, note: `PyTorch baseline failed: ${res.stderr.trim().split('\n').pop()}` };
  return { timings: JSON.parse(res.stdout.trim().split('\n').pop() as string) as Record<string, number>, note: '' };
}

export function report(rows: Timing[], baseline: Record<string, number> | null): void {
  const header = `${'workload'.padEnd(34)}${'kindling ms'.padStart(14)}${'pytorch ms'.padStart(14)}${'ratio'.padStart(10)}`;
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const r of rows) {
    const base = baseline?.[r.name];
    const ratio = base ? `${(r.ms / base).toFixed(2)}x` : '-';
    console.log(`${r.name.padEnd(34)}${r.ms.toFixed(3).padStart(14)}${(base?.toFixed(3) ?? '-').padStart(14)}${ratio.padStart(10)}`);
  }
  console.log('ratio = Kindling time / PyTorch time (lower is better; 1.00x = as fast as PyTorch)');
}
