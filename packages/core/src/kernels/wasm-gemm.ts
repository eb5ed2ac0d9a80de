/**
 * The WebAssembly backend's large products on several threads (wasm.ts runs the others): one K block at a time,
 * the threads pack the block of B together (by columns), then each multiplies its own rows of A by all of it.
 * Split by columns of C instead, every thread packed all of A for its share; here nothing is packed twice. Each
 * element's sum runs over the K blocks in order, as in one call of the module's GEMM, so the bits do not depend
 * on the thread count.
 */
import type { GemmKernel } from './gemm.js';
import type { WasmHost } from './wasm-entries.js';

/** Rows of C per part are a multiple of the micro-kernel's height; columns packed per part, of its width. */
const ROW_QUANTUM = 4;
const COLUMN_QUANTUM = 8;
/** From this many rows and multiply-adds on, a product shares its packed B. */
const SHARED_ROWS = 256;
const SHARED_WORK = 1 << 27;

/** Whether an M x N x K product is large enough to share its packed B between threads. */
export function sharesB(M: number, N: number, K: number): boolean {
  return M >= SHARED_ROWS && M * N * K >= SHARED_WORK;
}

/**
 * Runs the product whose operands are at the module addresses [A, B, C, packed block] (`packed` holds a K block
 * of B: depth x N, padded), K blocks of `depth`. False, having done nothing, when fewer than two threads are
 * ready: the caller then runs it as one call.
 */
export function productSharingB(
  host: WasmHost,
  args: Parameters<GemmKernel>,
  [aPtr, bPtr, cPtr, packed]: readonly [number, number, number, number],
  depth: number,
): boolean {
  const [transA, transB, M, N, K, alpha, A, , lda, , , ldb, beta, , , ldc] = args;
  const rows = host.parts(Math.ceil(M / ROW_QUANTUM), M * N * K, 1);
  if (rows.length < 2) return false;
  const f32 = A instanceof Float32Array;
  const quanta = Math.ceil(N / COLUMN_QUANTUM);
  const columns = rows
    .map((_, p): [number, number] => [
      Math.floor((p * quanta) / rows.length) * COLUMN_QUANTUM,
      Math.min(Math.floor(((p + 1) * quanta) / rows.length) * COLUMN_QUANTUM, N),
    ])
    .filter(([j0, j1]) => j1 > j0);
  for (let p0 = 0; p0 < K; p0 += depth) {
    const kc = Math.min(depth, K - p0);
    // The first block writes C (scaled by beta when beta asks), the later ones add to it.
    const mode = p0 > 0 ? 2 : beta === 0 ? 0 : 1;
    host.runParts(
      columns.map(([j0, j1]) => ({
        fn: f32 ? 'sgemmPackB' : 'dgemmPackB',
        args: [+transB, bPtr, ldb, p0, kc, j0, j1 - j0, packed],
      })),
    );
    host.runParts(
      rows.map(([q0, q1], part) => ({
        fn: f32 ? 'sgemmRows' : 'dgemmRows',
        args: [
          +transA,
          aPtr,
          lda,
          q0 * ROW_QUANTUM,
          Math.min(q1 * ROW_QUANTUM, M),
          N,
          p0,
          kc,
          alpha,
          beta,
          mode,
          packed,
          cPtr,
          ldc,
          host.workOf(part),
        ],
      })),
    );
  }
  return true;
}
