/**
 * Kindling against PyTorch (CPU, via /usr/bin/python3) on the same workloads in one run; prints ratios.
 * PyTorch runs single-threaded by default for a like-for-like comparison (Kindling is single-threaded);
 * `pnpm bench --threads N` gives PyTorch N threads.
 */
import { fileURLToPath } from 'node:url';
import { report, runPython } from './harness.js';
import { w1Gemm, w5SmallOps } from './workloads.js';

const threadsArg = process.argv.indexOf('--threads');
const threads = threadsArg > 0 ? process.argv[threadsArg + 1] : '1';

const rows = [...w1Gemm(), w5SmallOps()];
const script = fileURLToPath(new URL('./torch_workloads.py', import.meta.url));
const { timings, note } = runPython(script, [threads]);
console.log(`Kindling vs PyTorch (CPU, ${threads} thread${threads === '1' ? '' : 's'}), median ms per iteration\n`);
report(rows, timings);
if (note) console.log(`\nnote: ${note}`);
