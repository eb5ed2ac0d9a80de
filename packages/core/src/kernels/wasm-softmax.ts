/**
 * The WebAssembly backend's softmax and log-softmax, forward and backward (softmax.ts's entries). The module's exp
 * and log are V8's (packages/wasm/assembly/exp.ts), so every entry gives the TypeScript kernel's bits; being
 * scalar double code like the TypeScript loops, they run no faster on one thread, so a call goes to the module
 * only when it is split between threads (rows, or the outer index of a middle-dim softmax), and runs the
 * TypeScript kernel otherwise.
 */
import type { BackendKernels } from './backend.js';
import {
  checkSoftmax,
  checkSoftmaxBackward,
  softmax as tsSoftmax,
  softmaxBackward as tsSoftmaxBackward,
  softmaxBlock,
} from './softmax.js';
import { INT32_MAX, SMALL, type WasmHost } from './wasm-entries.js';

/** Work per element in the GEMM's multiply-adds (WasmHost.parts): an exp, about 10 ns on a Zen 3 core. */
const SOFTMAX_WORK = 64;

/**
 * The doubles of scratch each part of a call needs (kernels/softmax.ts's blocks of `bw` columns): a forward keeps
 * a row's exp values, or (softmax) a block's with its maxima and sums; a backward along a middle dim a block's sums.
 */
function scratchDoubles(size: number, inner: number, bw: number, forward: boolean, log: boolean): number {
  if (inner === 1) return forward ? size : 0;
  return forward ? (log ? 0 : size * bw) + 2 * bw : bw;
}

function softmax(host: WasmHost, ...args: Parameters<BackendKernels['softmax']>): void {
  const [x, xOff, out, outer, size, inner, log] = args;
  const n = checkSoftmax(...args);
  if (n < SMALL || n > INT32_MAX) return tsSoftmax(...args);
  const bw = softmaxBlock(size, inner);
  const scratch = scratchDoubles(size, inner, bw, true, log);
  const ranges = host.parts(outer, n * SOFTMAX_WORK);
  if (ranges.length < 2) return tsSoftmax(...args);
  const doubles = 8 / x.BYTES_PER_ELEMENT;
  const [xPtr, outPtr, scratchPtr] = host.regions([n, n, ranges.length * scratch * doubles], x.BYTES_PER_ELEMENT);
  // checkSoftmax let x meet out only as out itself: each element is read before it is written.
  const xAt = host.source(x, xOff, n, xPtr);
  const outAt = host.target(out, 0, outPtr);
  const f32 = x instanceof Float32Array;
  host.runParts(
    ranges.map(([a, b], part) => {
      const partScratch = scratchPtr + part * scratch * 8;
      return inner === 1
        ? { fn: f32 ? 'softmaxRows32' : 'softmaxRows64', args: [xAt, outAt, size, +log, a, b, partScratch] }
        : {
            fn: f32 ? 'softmaxColumns32' : 'softmaxColumns64',
            args: [xAt, outAt, size, inner, +log, bw, a, b, partScratch],
          };
    }),
  );
  host.copyOut(x, outAt, n, out, 0);
}

function softmaxBackward(host: WasmHost, ...args: Parameters<BackendKernels['softmaxBackward']>): void {
  const [y, gy, gx, outer, size, inner, log] = args;
  const n = checkSoftmaxBackward(...args);
  // float64 takes fused multiply-adds, which the module cannot be sure to round once: the TypeScript kernel.
  if (n < SMALL || n > INT32_MAX || y instanceof Float64Array) return tsSoftmaxBackward(...args);
  const bw = softmaxBlock(size, inner);
  const scratch = scratchDoubles(size, inner, bw, false, log);
  const ranges = host.parts(outer, n * SOFTMAX_WORK);
  if (ranges.length < 2) return tsSoftmaxBackward(...args);
  const doubles = 8 / y.BYTES_PER_ELEMENT;
  const [yPtr, gyPtr, gxPtr, scratchPtr] = host.regions(
    [n, n, n, ranges.length * scratch * doubles],
    y.BYTES_PER_ELEMENT,
  );
  // gx may be y or gy itself: each element of both is read before it is written.
  const yAt = host.source(y, 0, n, yPtr);
  const gyAt = host.source(gy, 0, n, gyPtr);
  const gxAt = host.target(gx, 0, gxPtr);
  host.runParts(
    ranges.map(([a, b], part) =>
      inner === 1
        ? { fn: 'softmaxBackwardRows32', args: [yAt, gyAt, gxAt, size, +log, a, b] }
        : {
            fn: 'softmaxBackwardColumns32',
            args: [yAt, gyAt, gxAt, size, inner, +log, bw, a, b, scratchPtr + part * scratch * 8],
          },
    ),
  );
  host.copyOut(y, gxAt, n, gx, 0);
}

/** The entries above, bound to a backend's state. */
export function wasmSoftmax(host: WasmHost): Pick<BackendKernels, 'softmax' | 'softmaxBackward'> {
  return {
    softmax: (...args) => softmax(host, ...args),
    softmaxBackward: (...args) => softmaxBackward(host, ...args),
  };
}
