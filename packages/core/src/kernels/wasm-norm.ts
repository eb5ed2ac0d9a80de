/**
 * The WebAssembly backend's batch and layer norm entries, forward and backward. Each checks its arguments as the
 * TypeScript kernel does (kernels/norm.ts), before anything is copied, then copies the spans it reads into the
 * module's memory (where they do not live there already), runs, and copies the results out; small calls run the
 * TypeScript kernels, as do float64 ones (PyTorch's arithmetic for them needs float64 fused multiply-adds, which
 * WebAssembly lacks). Every entry gives the TypeScript kernel's bits, at any thread count: batch norm splits
 * channels between threads, layer norm rows, and layer norm's weight and bias gradients columns, each summed over
 * the rows in order.
 */
import { checkBool, checkNumber } from './argument-checks.js';
import type { BackendKernels } from './backend.js';
import {
  batchNormBackward as tsBatchNormBackward,
  batchNormForward as tsBatchNormForward,
  checkBatchNormBackward,
  checkBatchNormForward,
} from './norm.js';
import {
  checkLayerNormBackward,
  checkLayerNormForward,
  layerNormBackward as tsLayerNormBackward,
  layerNormForward as tsLayerNormForward,
} from './layer-norm.js';
import { INT32_MAX, SMALL, type WasmHost } from './wasm-entries.js';

function batchNormForward(host: WasmHost, ...args: Parameters<BackendKernels['batchNormForward']>): void {
  const [x, N, C, HW, weight, bias, runningMean, runningVar, training, momentum, eps, out, saveMean, saveInvstd] = args;
  if (typeof training !== 'boolean') throw new TypeError("argument 'training' must be a boolean");
  checkNumber(momentum, 'momentum');
  checkNumber(eps, 'eps');
  const size = checkBatchNormForward(...args);
  const small = size < SMALL || HW > INT32_MAX || N > INT32_MAX || C > INT32_MAX;
  if (small || x instanceof Float64Array) return tsBatchNormForward(...args);
  const optional = [weight, bias, runningMean, runningVar];
  const [xPtr, outPtr, meanPtr, invstdPtr, ...ptrs] = host.regions(
    [size, size, C, C, ...optional.map((a) => (a === null ? 0 : C))],
    4,
  );
  const xAt = host.source(x, 0, size, xPtr, [[out, 0, size]]);
  const outAt = host.target(out, 0, outPtr);
  optional.forEach((a, i) => a !== null && host.copyIn(a, 0, ptrs[i], C));
  const at = optional.map((a, i) => (a === null ? 0 : ptrs[i]));
  host.parallel(C, size * (training ? 4 : 1), (c0, c1) => ({
    fn: 'batchNormForward32',
    args: [xAt, N, C, HW, at[0], at[1], at[2], at[3], +training, momentum, eps, outAt, meanPtr, invstdPtr, c0, c1],
  }));
  host.copyOut(x, outAt, size, out, 0);
  host.copyOut(x, meanPtr, C, saveMean, 0);
  host.copyOut(x, invstdPtr, C, saveInvstd, 0);
  if (training && runningMean !== null) host.copyOut(x, ptrs[2], C, runningMean, 0);
  if (training && runningVar !== null) host.copyOut(x, ptrs[3], C, runningVar, 0);
}

function batchNormBackward(host: WasmHost, ...args: Parameters<BackendKernels['batchNormBackward']>): void {
  const [gy, x, N, C, HW, weight, saveMean, saveInvstd, training, gx, gWeight, gBias] = args;
  checkBool(training, 'training');
  const size = checkBatchNormBackward(...args);
  const small = size < SMALL || N > INT32_MAX || C > INT32_MAX || HW > INT32_MAX;
  if (small || x instanceof Float64Array) return tsBatchNormBackward(...args);
  const ranges = host.parts(C, size * 4);
  const [gyPtr, xPtr, gxPtr, meanPtr, invstdPtr, wPtr, gwPtr, gbPtr, scratchPtr] = host.regions(
    [size, size, size, C, C, C, C, C, ranges.length * HW],
    4,
  );
  const gyAt = host.source(gy, 0, size, gyPtr, [[gx, 0, size]]);
  const xAt = host.source(x, 0, size, xPtr, [[gx, 0, size]]);
  const gxAt = host.target(gx, 0, gxPtr);
  host.copyIn(saveMean, 0, meanPtr, C);
  host.copyIn(saveInvstd, 0, invstdPtr, C);
  if (weight !== null) host.copyIn(weight, 0, wPtr, C);
  const optional = [weight === null ? 0 : wPtr, gWeight === null ? 0 : gwPtr, gBias === null ? 0 : gbPtr];
  host.runParts(
    ranges.map(([c0, c1], part) => ({
      fn: 'batchNormBackward32',
      args: [
        gyAt,
        xAt,
        N,
        C,
        HW,
        optional[0],
        meanPtr,
        invstdPtr,
        +training,
        gxAt,
        optional[1],
        optional[2],
        c0,
        c1,
      ].concat(scratchPtr + part * HW * 4),
    })),
  );
  host.copyOut(x, gxAt, size, gx, 0);
  if (gWeight !== null) host.copyOut(x, gwPtr, C, gWeight, 0);
  if (gBias !== null) host.copyOut(x, gbPtr, C, gBias, 0);
}

/** The scratch bytes layerNormForward32 needs per call (assembly/layer-norm.ts LAYER_NORM_SCRATCH). */
const LAYER_NORM_SCRATCH = 32 * (64 + 4);

function layerNormForward(host: WasmHost, ...args: Parameters<BackendKernels['layerNormForward']>): void {
  const [x, rows, cols, weight, bias, eps, out, saveMean, saveRstd] = args;
  checkNumber(eps, 'eps');
  const size = checkLayerNormForward(...args);
  if (size < SMALL || size > INT32_MAX || x instanceof Float64Array) return tsLayerNormForward(...args);
  const ranges = host.parts(rows, size * 4);
  const scratch = LAYER_NORM_SCRATCH / 4;
  const [xPtr, outPtr, meanPtr, rstdPtr, wPtr, bPtr, scratchPtr] = host.regions(
    [size, size, rows, rows, weight === null ? 0 : cols, bias === null ? 0 : cols, ranges.length * scratch],
    4,
  );
  const xAt = host.source(x, 0, size, xPtr, [[out, 0, size]]);
  const outAt = host.target(out, 0, outPtr);
  if (weight !== null) host.copyIn(weight, 0, wPtr, cols);
  if (bias !== null) host.copyIn(bias, 0, bPtr, cols);
  const [wAt, bAt] = [weight === null ? 0 : wPtr, bias === null ? 0 : bPtr];
  host.runParts(
    ranges.map(([r0, r1], part) => ({
      fn: 'layerNormForward32',
      args: [xAt, cols, wAt, bAt, eps, outAt, meanPtr, rstdPtr, r0, r1, scratchPtr + part * LAYER_NORM_SCRATCH],
    })),
  );
  host.copyOut(x, outAt, size, out, 0);
  host.copyOut(x, meanPtr, rows, saveMean, 0);
  host.copyOut(x, rstdPtr, rows, saveRstd, 0);
}

function layerNormBackward(host: WasmHost, ...args: Parameters<BackendKernels['layerNormBackward']>): void {
  const [gy, x, rows, cols, weight, saveMean, saveRstd, gx, gWeight, gBias] = args;
  const size = checkLayerNormBackward(...args);
  if (size < SMALL || size > INT32_MAX || x instanceof Float64Array) return tsLayerNormBackward(...args);
  const [gyPtr, xPtr, gxPtr, meanPtr, rstdPtr, wPtr, gwPtr, gbPtr] = host.regions(
    [size, size, size, rows, rows, cols, cols, cols],
    4,
  );
  const gyAt = host.source(gy, 0, size, gyPtr, [[gx, 0, size]]);
  const xAt = host.source(x, 0, size, xPtr, [[gx, 0, size]]);
  const gxAt = host.target(gx, 0, gxPtr);
  host.copyIn(saveMean, 0, meanPtr, rows);
  host.copyIn(saveRstd, 0, rstdPtr, rows);
  if (weight !== null) host.copyIn(weight, 0, wPtr, cols);
  const wAt = weight === null ? 0 : wPtr;
  host.parallel(rows, size * 4, (r0, r1) => ({
    fn: 'layerNormBackwardRows32',
    args: [gyAt, xAt, cols, wAt, meanPtr, rstdPtr, gxAt, r0, r1],
  }));
  if (gWeight !== null || gBias !== null) {
    const [gwAt, gbAt] = [gWeight === null ? 0 : gwPtr, gBias === null ? 0 : gbPtr];
    host.parallel(cols, size * 2, (k0, k1) => ({
      fn: 'layerNormBackwardColumns32',
      args: [gyAt, xAt, rows, cols, meanPtr, rstdPtr, gwAt, gbAt, k0, k1],
    }));
  }
  host.copyOut(x, gxAt, size, gx, 0);
  if (gWeight !== null) host.copyOut(x, gwPtr, cols, gWeight, 0);
  if (gBias !== null) host.copyOut(x, gbPtr, cols, gBias, 0);
}

/** The entries above, bound to a backend's state. */
export function wasmNorms(
  host: WasmHost,
): Pick<BackendKernels, 'batchNormForward' | 'batchNormBackward' | 'layerNormForward' | 'layerNormBackward'> {
  return {
    batchNormForward: (...args) => batchNormForward(host, ...args),
    batchNormBackward: (...args) => batchNormBackward(host, ...args),
    layerNormForward: (...args) => layerNormForward(host, ...args),
    layerNormBackward: (...args) => layerNormBackward(host, ...args),
  };
}
