// The WebAssembly layer norm entries against the TypeScript kernels, bit for bit: every length of a row's tail
// past its last multiple of 8, rows with a NaN, an infinity and signed zeros, float32 and float64, with and
// without weight and bias (and their gradients), at one and two threads (rows split between threads, and the
// parameter gradients' columns).
import { it } from 'vitest';
// Core's source by path (this package does not depend on core; vitest resolves @kindling/core to the same file).
import * as torch from '../../core/src/index.js';
import {
  THREAD_COUNTS,
  awkward,
  type Ctor,
  type FloatArray,
  describeAgainstTypescript,
  expectSameArrays,
  wasmBackend,
} from './wasm-against-typescript.js';

const ts = torch.typescriptBackend;

/** [rows, cols]: empty and tiny (the TypeScript path), then both sides of 4,096 elements, cols mod 8 from 0 to 7. */
const SHAPES = [
  [1, 1],
  [3, 0],
  [0, 5],
  [64, 64],
  [300, 17],
  [513, 10],
  [129, 67],
  [260, 20],
  [600, 13],
  [400, 14],
  [700, 7],
  [7, 4099],
  [4097, 1],
  [512, 256],
];

/**
 * Random rows in [-2, 2), each finite but three: row 1 holds a NaN, row 2 an infinity, row 3 a -0 and a +0 (one
 * special a row, so that the other rows' values are numbers to compare).
 */
function rowsOf(ctor: Ctor, rows: number, cols: number, seed: number): FloatArray {
  const a = awkward(ctor, rows * cols, seed).map((v) => (Number.isFinite(v) ? v : 0.5));
  const put = (row: number, col: number, v: number) => {
    if (row < rows && col < cols) a[row * cols + col] = v;
  };
  put(1, cols >> 1, NaN);
  put(2, cols - 1, -Infinity);
  put(3, 0, -0);
  put(3, cols - 1, 0);
  return a;
}

function label(ctor: Ctor, rows: number, cols: number, what: string): string {
  return `${ctor.name} [${rows}, ${cols}] ${what}`;
}

describeAgainstTypescript(() => {
  it('layer norm forward, with and without weight and bias', () => {
    const b = wasmBackend();
    for (const ctor of [Float32Array, Float64Array]) {
      for (const [rows, cols] of SHAPES) {
        const x = rowsOf(ctor, rows, cols, rows + cols);
        for (const [hasWeight, hasBias] of [
          [true, true],
          [true, false],
          [false, true],
          [false, false],
        ]) {
          const w = hasWeight ? awkward(ctor, cols, 3).map((v) => (Number.isFinite(v) ? v : 1)) : null;
          const bias = hasBias ? awkward(ctor, cols, 4).map((v) => (Number.isFinite(v) ? v : 1)) : null;
          const run = (backend: torch.KernelBackend) => {
            const out = [new ctor(rows * cols).fill(7), new ctor(rows).fill(7), new ctor(rows).fill(7)];
            backend.layerNormForward(x, rows, cols, w, bias, 1e-5, out[0], out[1], out[2]);
            return out;
          };
          const want = run(ts);
          for (const t of THREAD_COUNTS) {
            b.setNumThreads(t);
            expectSameArrays(run(b), want, label(ctor, rows, cols, `weight ${hasWeight} bias ${hasBias} threads ${t}`));
          }
        }
      }
    }
  });

  it('layer norm backward, with and without weight, and with each parameter gradient or none', () => {
    const b = wasmBackend();
    for (const ctor of [Float32Array, Float64Array]) {
      for (const [rows, cols] of SHAPES) {
        const size = rows * cols;
        const x = rowsOf(ctor, rows, cols, 100 + rows + cols);
        const gy = rowsOf(ctor, rows, cols, 200 + rows + cols);
        // The forward's saved statistics, as training saves them.
        const mean = new ctor(rows);
        const rstd = new ctor(rows);
        ts.layerNormForward(x, rows, cols, null, null, 1e-5, new ctor(size), mean, rstd);
        for (const hasWeight of [true, false]) {
          const w = hasWeight ? awkward(ctor, cols, 5).map((v) => (Number.isFinite(v) ? v : 1)) : null;
          for (const [gW, gB] of [
            [true, true],
            [true, false],
            [false, true],
            [false, false],
          ]) {
            const run = (backend: torch.KernelBackend) => {
              const out = [new ctor(size).fill(7), new ctor(cols).fill(7), new ctor(cols).fill(7)];
              backend.layerNormBackward(
                gy,
                x,
                rows,
                cols,
                w,
                mean,
                rstd,
                out[0],
                gW ? out[1] : null,
                gB ? out[2] : null,
              );
              return out;
            };
            const want = run(ts);
            for (const t of THREAD_COUNTS) {
              b.setNumThreads(t);
              const what = `weight ${hasWeight} gWeight ${gW} gBias ${gB} threads ${t}`;
              expectSameArrays(run(b), want, label(ctor, rows, cols, what));
            }
          }
        }
      }
    }
  });
});
