/**
 * The WebAssembly backend's exact elementwise entries: relu, neg, abs, sqrt, rsqrt, square, exp, log, tanh,
 * sigmoid, float32 gelu and its derivative, and add, sub, mul, div and relu's backward over the binary layouts
 * (contiguous.ts). They check their arguments as the TypeScript kernels do, run in the module's memory (copying in
 * what is not there), and give the TypeScript kernels' bits; the other ops, integer arrays and small calls run the
 * TypeScript kernels. Large calls are split between the threads.
 */
import type { BackendKernels } from './backend.js';
import { BinaryOp, binary as tsBinary, checkBinary, checkUnary, unary as tsUnary } from './contiguous.js';
import type { FloatArray } from './gemm.js';
import { INT32_MAX, SMALL, type WasmHost } from './wasm-entries.js';

/**
 * An elementwise op's work per element, in the GEMM's multiply-adds (WasmHost.parts splits at 2^18 a thread): a
 * pass over memory is worth sharing from about 64K elements a thread.
 */
const ELEMENTWISE_WORK = 4;
/**
 * Unary op codes the module computes (contiguous.ts UnaryOp): relu, neg, abs, sqrt, rsqrt, square, and exp, log,
 * tanh, sigmoid (the module's exp, log and tanh are V8's Math.exp, Math.log and Math.tanh, operation for operation),
 * and float32 gelu and gelu's derivative.
 */
const WASM_UNARY = new Set([0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13]);
/** gelu and its derivative: the module computes their float32 form (oneDNN's, as PyTorch); float64 stays here. */
const GELU = new Set([12, 13]);
/** The ops on the module's exp, log and tanh (and float32 gelu): one element at a time, or two. */
const EXP_BASED = new Set([3, 4, 6, 7, 12, 13]);
/** exp, log, tanh and sigmoid go to the module only when a call is split between threads: alone, V8's are as fast. */
const SPLIT_ONLY = new Set([3, 4, 6, 7]);
/**
 * The exp-based ops' work per element: about 10 ns (exp) to 30 ns (gelu's derivative) on a Zen 3 core, so that a
 * call is shared from a few thousand elements a thread.
 */
const TRANSCENDENTAL_WORK = 64;
/** Binary op codes the module computes: add, sub, mul, div, relu's backward. */
const WASM_BINARY_MAX = 4;

function unary(
  host: WasmHost,
  op: number,
  x: FloatArray,
  xOff: number,
  out: FloatArray,
  outOff: number,
  n: number,
): void {
  if (!WASM_UNARY.has(op) || typeof n !== 'number' || n < SMALL || (GELU.has(op) && !(x instanceof Float32Array)))
    return tsUnary(op, x, xOff, out, outOff, n);
  checkUnary(op, x, xOff, out, outOff, n);
  if (n > INT32_MAX) return tsUnary(op, x, xOff, out, outOff, n);
  const work = n * (EXP_BASED.has(op) ? TRANSCENDENTAL_WORK : ELEMENTWISE_WORK);
  const ranges = host.parts(n, work);
  if (SPLIT_ONLY.has(op) && ranges.length < 2) return tsUnary(op, x, xOff, out, outOff, n);
  const [xPtr, outPtr] = host.regions([n, n], x.BYTES_PER_ELEMENT);
  // checkUnary let x meet out only as out itself: in place, each element is read before it is written.
  const xAt = host.source(x, xOff, n, xPtr);
  const outAt = host.target(out, outOff, outPtr);
  const fn = x instanceof Float32Array ? 'unary32' : 'unary64';
  const size = x.BYTES_PER_ELEMENT;
  // Runs of elements on the threads: each element's value does not depend on who computes it.
  host.runParts(ranges.map(([a, b]) => ({ fn, args: [op, xAt + a * size, outAt + a * size, b - a] })));
  host.copyOut(x, outAt, n, out, outOff);
}

/**
 * The kernel's layout block [ndim, shape0..3, aStride0..3, bStride0..3] for `rows` of the outermost dim. A dim of
 * size 1 is never stepped along: its stride is written as 0, so every value fits an i32.
 */
function binaryLayout(L: ReturnType<typeof checkBinary>['L'], rows: number): number[] {
  const dims = [0, 1, 2, 3];
  const shape = dims.map((d) => (d === 0 ? rows : (L.shape[d] ?? 0)));
  return [
    L.ndim,
    ...shape,
    ...dims.map((d) => (shape[d] > 1 ? L.aStrides[d] : 0)),
    ...dims.map((d) => (shape[d] > 1 ? L.bStrides[d] : 0)),
  ];
}

function binary(host: WasmHost, ...args: Parameters<BackendKernels['binary']>): void {
  const [op, a, aOff, b, bOff, out, outOff, layout, alpha] = args;
  // Add with an alpha other than 1 rounds once, a fused multiply-add that only the TypeScript kernel has here.
  if (typeof op !== 'number' || op > WASM_BINARY_MAX || (op === BinaryOp.add && alpha !== 1)) return tsBinary(...args);
  const { L, n, aExtent, bExtent } = checkBinary(op, a, aOff, b, bOff, out, outOff, layout, alpha);
  if (n === 0) return;
  if (n < SMALL || Math.max(n, aExtent, bExtent) > INT32_MAX) return tsBinary(...args);
  const [aPtr, bPtr, outPtr] = host.regions([aExtent, bExtent, n], a.BYTES_PER_ELEMENT);
  // checkBinary let an input meet out only as out itself, laid out alike: in place, elementwise.
  const aAt = host.source(a, aOff, aExtent, aPtr);
  const bAt = host.source(b, bOff, bExtent, bPtr);
  const outAt = host.target(out, outOff, outPtr);
  const fn = a instanceof Float32Array ? 'binary32' : 'binary64';
  const size = a.BYTES_PER_ELEMENT;
  // The threads take slabs of the outermost dim: out's rows [r0, r1) read a and b from r0 times their strides.
  const rows = L.shape[0];
  const slabs = host.parts(rows, n * ELEMENTWISE_WORK, 2);
  const blocks = host.argumentBlocks(slabs.map(([r0, r1]) => binaryLayout(L, r1 - r0)));
  const rowElements = n / rows;
  host.runParts(
    slabs.map(([r0], k) => ({
      fn,
      args: [
        op,
        aAt + r0 * L.aStrides[0] * size,
        bAt + r0 * L.bStrides[0] * size,
        outAt + r0 * rowElements * size,
        blocks[k],
      ],
    })),
  );
  host.copyOut(a, outAt, n, out, outOff);
}

/** The entries above, bound to a backend's state. */
export function wasmElementwise(host: WasmHost): Pick<BackendKernels, 'unary' | 'binary'> {
  return {
    unary: (op, x, xOff, out, outOff, n) => unary(host, op, x, xOff, out, outOff, n),
    binary: (...args) => binary(host, ...args),
  };
}
