/**
 * GEMM kernel throughput: float32 square matmuls through the active backend's `gemm` entry versus a naive i-k-j
 * loop (KINDLING_BACKEND=typescript for the TypeScript kernel).
 *
 *   npx tsx --conditions=source bench/gemm-kernel.ts [sizes=256,512,1024] [--trans] [--naive] [--f64] [--shapes]
 *
 * Reports the best of several runs in GFLOP/s (2*M*N*K flops per product).
 */
import * as torch from '@kindling/core';

type FloatArray = Float32Array | Float64Array;
const { gemm } = torch.getKernelBackend();
console.log(`backend: ${torch.getKernelBackend().name}`);

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const positional = args.filter((a) => !a.startsWith('--'));
const sizes = positional.length > 0 ? positional[0].split(',').map(Number) : [256, 512, 1024];
const useF64 = flags.has('--f64');

function rand(n: number): FloatArray {
  const a = useF64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

/** Naive i-k-j loop with a float64 row accumulator (the obvious JS baseline). */
function naive(M: number, N: number, K: number, A: FloatArray, B: FloatArray, C: FloatArray): void {
  const acc = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    acc.fill(0);
    for (let p = 0; p < K; p++) {
      const a = A[i * K + p];
      const o = p * N;
      for (let j = 0; j < N; j++) acc[j] += a * B[o + j];
    }
    for (let j = 0; j < N; j++) C[i * N + j] = acc[j];
  }
}

/** Best wall time (ms) over repeated runs, spending roughly `budgetMs` in total. */
function bestTime(run: () => void, budgetMs: number): number {
  run();
  let best = Infinity;
  let spent = 0;
  let reps = 0;
  while (reps < 3 || (spent < budgetMs && reps < 50)) {
    const t = performance.now();
    run();
    const dt = performance.now() - t;
    best = Math.min(best, dt);
    spent += dt;
    reps++;
  }
  return best;
}

function gflops(M: number, N: number, K: number, ms: number): string {
  return ((2 * M * N * K) / (ms * 1e6)).toFixed(2);
}

function benchSquare(n: number): void {
  const A = rand(n * n);
  const B = rand(n * n);
  const C = useF64 ? new Float64Array(n * n) : new Float32Array(n * n);
  const budget = 1500;
  const parts: string[] = [`${useF64 ? 'f64' : 'f32'} ${n}x${n}x${n}:`];
  const combos: [boolean, boolean][] = flags.has('--trans')
    ? [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]
    : [[false, false]];
  for (const [ta, tb] of combos) {
    const ms = bestTime(() => gemm(ta, tb, n, n, n, 1, A, 0, n, B, 0, n, 0, C, 0, n), budget);
    parts.push(`gemm${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${gflops(n, n, n, ms)} GFLOP/s (${ms.toFixed(1)} ms)`);
  }
  if (flags.has('--naive')) {
    const ms = bestTime(() => naive(n, n, n, A, B, C), budget);
    parts.push(`naive ${gflops(n, n, n, ms)} GFLOP/s (${ms.toFixed(1)} ms)`);
  }
  console.log(parts.join('  '));
}

function benchShapes(): void {
  // Shapes typical of Linear layers and im2col convolutions: [M, N, K, transA, transB].
  const shapes: [number, number, number, boolean, boolean][] = [
    [1, 128, 784, false, true],
    [64, 128, 784, false, true],
    [64, 10, 128, false, true],
    [784, 128, 64, true, false],
    [4, 512, 512, false, false],
    [32, 576, 288, false, false],
    [16, 16, 16, false, false],
    [8, 8, 8, false, false],
    [33, 17, 65, false, false],
  ];
  for (const [M, N, K, ta, tb] of shapes) {
    const A = rand(M * K);
    const B = rand(K * N);
    const C = useF64 ? new Float64Array(M * N) : new Float32Array(M * N);
    const lda = ta ? M : K;
    const ldb = tb ? K : N;
    const ms = bestTime(() => {
      for (let r = 0; r < 10; r++) gemm(ta, tb, M, N, K, 1, A, 0, lda, B, 0, ldb, 0, C, 0, N);
    }, 500);
    console.log(
      `${M}x${N}x${K} ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'}: ${gflops(M, N, K, ms / 10)} GFLOP/s (${((ms / 10) * 1000).toFixed(1)} us)`,
    );
  }
}

for (const n of sizes) benchSquare(n);
if (flags.has('--shapes')) benchShapes();
