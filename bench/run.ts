/**
 * Kindling against PyTorch (CPU, via /usr/bin/python3) on the same workloads in one run; prints ratios.
 * PyTorch runs single-threaded by default for a like-for-like comparison (Kindling is single-threaded);
 * `pnpm bench --threads N` gives PyTorch N threads. `--quick` runs only the core workloads (W1, W5).
 */
import { fileURLToPath } from 'node:url';
import { report, runPython, type Timing } from './harness.js';
import { w1Gemm, w5SmallOps } from './workloads.js';
import { optimizerStep, w2Mlp, w3Cnn, w4ResNet } from './workloads-training.js';

const argv = process.argv.slice(2);
const threadsArg = argv.indexOf('--threads');
const threads = threadsArg >= 0 ? argv[threadsArg + 1] : '1';
const quick = argv.includes('--quick');

const rows: Timing[] = [...w1Gemm(), w5SmallOps()];
if (!quick) rows.push(w2Mlp(), w3Cnn(), ...w4ResNet(), optimizerStep());
const script = fileURLToPath(new URL('./torch_workloads.py', import.meta.url));
const { timings, note } = runPython(script, quick ? [threads] : [threads, '--training']);
console.log(`Kindling vs PyTorch (CPU, ${threads} thread${threads === '1' ? '' : 's'}), median ms per iteration\n`);
report(rows, timings);
if (note) console.log(`\nnote: ${note}`);
