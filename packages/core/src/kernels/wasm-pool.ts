/**
 * The WebAssembly backend's pooling entries: max pooling, and average pooling (fixed or adaptive windows),
 * forward and backward. Each checks its arguments before anything is copied, copies what it reads into the
 * module's memory (where it does not live there already), splits planes between threads, and gives the
 * TypeScript kernel's bits (kernels/pool.ts). Integer arrays and small calls run the TypeScript kernels.
 */
import type { TypedArray } from '../dtype.js';
import {
  checkBool,
  checkDisjoint,
  checkFloatArray,
  checkInt,
  checkNumber,
  checkSameType,
  checkSpan,
} from './argument-checks.js';
import type { BackendKernels } from './backend.js';
import type { FloatArray } from './gemm.js';
import {
  type AvgPoolMode,
  type PoolGeometry,
  type Windows,
  adaptiveAvgPool2dBackward as tsAdaptiveAvgBackward,
  adaptiveAvgPool2dForward as tsAdaptiveAvgForward,
  adaptiveWindows,
  avgPool2dBackward as tsAvgPoolBackward,
  avgPool2dForward as tsAvgPoolForward,
  avgWindows,
  maxPool2dBackward as tsMaxPoolBackward,
  maxPool2dForward as tsMaxPoolForward,
} from './pool.js';
import { INT32_MAX, SMALL, type Span, type WasmHost } from './wasm-entries.js';
import { WINDOW_STEPS } from './window.js';

function isFloat(a: TypedArray): a is FloatArray {
  return a instanceof Float32Array || a instanceof Float64Array;
}

const POOL_FIELDS: readonly (keyof PoolGeometry)[] = ['planes', 'H', 'W', 'OH', 'OW', 'kh', 'kw', ...WINDOW_STEPS];

/** The geometry's fields as i32s: sizes at least 0, kernel, stride and dilation at least 1, and the products it implies. */
function poolGeometry(g: PoolGeometry): { values: number[]; inSize: number; outSize: number } {
  if (typeof g !== 'object' || g === null) throw new TypeError("argument 'g' must be an object");
  const values = POOL_FIELDS.map((k) =>
    checkInt(g[k], `g.${k}`, ['kh', 'kw', 'sh', 'sw', 'dh', 'dw'].includes(k) ? 1 : 0, INT32_MAX),
  );
  const inSize = g.planes * g.H * g.W;
  const outSize = g.planes * g.OH * g.OW;
  if (
    !Number.isSafeInteger(inSize) ||
    !Number.isSafeInteger(outSize) ||
    g.H * g.W > INT32_MAX ||
    g.OH * g.OW > INT32_MAX
  ) {
    throw new RangeError("argument 'g': the planes hold too many elements");
  }
  return { values, inSize, outSize };
}

function maxPool2dForward(
  host: WasmHost,
  x: TypedArray,
  g: PoolGeometry,
  out: TypedArray,
  indices: TypedArray | null,
): void {
  if (!isFloat(x)) return tsMaxPoolForward(x, g, out, indices);
  const { values, inSize, outSize } = poolGeometry(g);
  checkFloatArray(out, 'out');
  checkSameType(x, 'x', out as FloatArray, 'out');
  if (indices !== null && !(indices instanceof Float64Array))
    throw new TypeError("argument 'indices' must be a Float64Array or null");
  checkSpan(x, 'x', 0, inSize);
  checkSpan(out as FloatArray, 'out', 0, outSize);
  if (indices !== null) checkSpan(indices, 'indices', 0, outSize);
  checkDisjoint([
    [x, 'x', inSize, false],
    [out as FloatArray, 'out', outSize, true],
    [indices, 'indices', outSize, true],
  ]);
  if (outSize === 0) return;
  const [xPtr, outPtr, idxPtr] = host.regions(
    [inSize, outSize, indices === null ? 0 : outSize * (8 / x.BYTES_PER_ELEMENT)],
    x.BYTES_PER_ELEMENT,
  );
  const geometry = host.argumentBlock(values);
  const writes: Span[] = [
    [out as FloatArray, 0, outSize],
    ...(indices === null ? [] : [[indices, 0, outSize] as const]),
  ];
  const xAt = host.source(x, 0, inSize, xPtr, writes);
  const outAt = host.target(out as FloatArray, 0, outPtr);
  const idxAt = indices === null ? 0 : host.target(indices, 0, idxPtr);
  const fn = x instanceof Float32Array ? 'maxPoolForward32' : 'maxPoolForward64';
  const window = g.kh * g.kw;
  host.parallel(g.planes, outSize * window * 4, (p0, p1) => ({ fn, args: [geometry, xAt, outAt, idxAt, p0, p1] }));
  host.copyOut(x, outAt, outSize, out as FloatArray, 0);
  if (indices !== null) host.copyOut(indices, idxAt, outSize, indices, 0);
}

/**
 * Max pooling's backward: gx zeroed over `planes` planes of HW, then each of gy's gradients added where its index
 * points in its plane. Every index is checked to be an integer position in [0, HW) before anything is written.
 */
function maxPool2dBackward(
  host: WasmHost,
  gyArray: TypedArray,
  indices: TypedArray,
  planes: number,
  HW: number,
  OHW: number,
  gxArray: TypedArray,
): void {
  const gy = checkFloatArray(gyArray, 'gy');
  const gx = checkFloatArray(gxArray, 'gx');
  checkSameType(gx, 'gx', gy, 'gy');
  if (!(indices instanceof Float64Array)) throw new TypeError("argument 'indices' must be a Float64Array");
  checkInt(planes, 'planes', 0, INT32_MAX);
  checkInt(HW, 'HW', 0, INT32_MAX);
  checkInt(OHW, 'OHW', 0, INT32_MAX);
  const outSize = planes * OHW;
  const inSize = planes * HW;
  if (!Number.isSafeInteger(outSize) || !Number.isSafeInteger(inSize)) {
    throw new RangeError("argument 'planes': the planes hold too many elements");
  }
  checkSpan(gy, 'gy', 0, outSize);
  checkSpan(indices, 'indices', 0, outSize);
  checkSpan(gx, 'gx', 0, inSize);
  checkDisjoint([
    [gy, 'gy', outSize, false],
    [indices, 'indices', outSize, false],
    [gx, 'gx', inSize, true],
  ]);
  // Nothing to scatter (the TypeScript loop would still walk every plane, up to 2^31 of them).
  if (outSize === 0) return void gx.fill(0, 0, inSize);
  if (inSize + outSize < SMALL) {
    checkIndices(indices, outSize, HW);
    return tsMaxPoolBackward(gy, indices, planes, HW, OHW, gx);
  }
  const bytes = gy.BYTES_PER_ELEMENT;
  const [gyPtr, idxPtr, gxPtr] = host.regions([outSize, outSize * (8 / bytes), inSize], bytes);
  const writes: Span[] = [[gx, 0, inSize]];
  const gyAt = host.source(gy, 0, outSize, gyPtr, writes);
  const idxAt = host.source(indices, 0, outSize, idxPtr, writes);
  const bad = host.call('maxPoolBadIndex', idxAt, outSize, HW);
  if (bad >= 0) throw badIndex(indices, bad, HW);
  const gxAt = host.target(gx, 0, gxPtr);
  const fn = gy instanceof Float32Array ? 'maxPoolBackward32' : 'maxPoolBackward64';
  host.parallel(planes, inSize + outSize * 4, (p0, p1) => ({ fn, args: [gyAt, idxAt, HW, OHW, gxAt, p0, p1] }));
  host.copyOut(gx, gxAt, inSize, gx, 0);
}

function badIndex(indices: Float64Array, at: number, HW: number): RangeError {
  return new RangeError(`argument 'indices': element ${at} (${indices[at]}) is not an integer position in [0, ${HW})`);
}

/** The check of maxPool2dBackward's indices where the TypeScript kernel runs. */
function checkIndices(indices: Float64Array, n: number, HW: number): void {
  for (let i = 0; i < n; i++) {
    const v = indices[i];
    if (!(v >= 0 && v < HW && Math.trunc(v) === v)) throw badIndex(indices, i, HW);
  }
}

/**
 * An average pooling between planes of H x W (x, or gx for the backward) and planes of OH x OW (out, or gy): the
 * checks, then the module's kernel over `windows()` split by planes, or `typescript()` for integer arrays and
 * small calls. The forward reads x and writes out; the backward reads gy and writes gx.
 */
function averagePool(
  host: WasmHost,
  backward: boolean,
  [src, srcName]: [TypedArray, string],
  [dst, dstName]: [TypedArray, string],
  g: PoolGeometry,
  windows: () => Windows,
  typescript: () => void,
): void {
  const { inSize, outSize } = poolGeometry(g);
  if (!isFloat(src)) return typescript();
  checkFloatArray(dst, dstName);
  checkSameType(src, srcName, dst as FloatArray, dstName);
  const [srcSize, dstSize] = backward ? [outSize, inSize] : [inSize, outSize];
  checkSpan(src, srcName, 0, srcSize);
  checkSpan(dst as FloatArray, dstName, 0, dstSize);
  checkDisjoint([
    [src, srcName, srcSize, false],
    [dst as FloatArray, dstName, dstSize, true],
  ]);
  if (inSize + outSize < SMALL || inSize === 0 || outSize === 0) return typescript();
  const { bounds, divisors } = windows();
  const OHW = g.OH * g.OW;
  const bytes = src.BYTES_PER_ELEMENT;
  const [srcPtr, dstPtr, boundsPtr, divisorsPtr] = host.regions(
    [srcSize, dstSize, (OHW * 16) / bytes, (OHW * 8) / bytes],
    bytes,
  );
  const srcAt = host.source(src, 0, srcSize, srcPtr, [[dst as FloatArray, 0, dstSize]]);
  const dstAt = host.target(dst as FloatArray, 0, dstPtr);
  host.copyIntsIn(bounds, boundsPtr);
  host.copyIn(divisors, 0, divisorsPtr, OHW);
  const fn = src instanceof Float32Array ? 'averagePool32' : 'averagePool64';
  host.parallel(g.planes, (inSize + outSize) * 4, (p0, p1) => ({
    fn,
    args: [+backward, srcAt, g.H, g.W, OHW, boundsPtr, divisorsPtr, dstAt, p0, p1],
  }));
  host.copyOut(src, dstAt, dstSize, dst as FloatArray, 0);
}

function checkMode(mode: AvgPoolMode): void {
  if (typeof mode !== 'object' || mode === null) throw new TypeError("argument 'mode' must be an object");
  checkBool(mode.countIncludePad, 'mode.countIncludePad');
  checkNumber(mode.divisorOverride, 'mode.divisorOverride');
  checkBool(mode.integral, 'mode.integral');
}

/** The adaptive poolings' sizes as a PoolGeometry (their windows come from adaptiveWindows). */
function adaptiveGeometry(planes: number, H: number, W: number, OH: number, OW: number): PoolGeometry {
  return { planes, H, W, OH, OW, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1 };
}

/** The entries above, bound to a backend's state. */
export function wasmPooling(
  host: WasmHost,
): Pick<
  BackendKernels,
  | 'maxPool2dForward'
  | 'maxPool2dBackward'
  | 'avgPool2dForward'
  | 'avgPool2dBackward'
  | 'adaptiveAvgPool2dForward'
  | 'adaptiveAvgPool2dBackward'
> {
  return {
    maxPool2dForward: (x, g, out, indices) => maxPool2dForward(host, x, g, out, indices),
    maxPool2dBackward: (gy, indices, planes, HW, OHW, gx) => maxPool2dBackward(host, gy, indices, planes, HW, OHW, gx),
    avgPool2dForward: (x, g, mode, out) => {
      checkMode(mode);
      const typescript = () => tsAvgPoolForward(x, g, mode, out);
      if (mode.integral) return typescript();
      averagePool(host, false, [x, 'x'], [out, 'out'], g, () => avgWindows(g, mode), typescript);
    },
    avgPool2dBackward: (gy, g, mode, gx) => {
      checkMode(mode);
      const typescript = () => tsAvgPoolBackward(gy, g, mode, gx);
      if (mode.integral) return typescript();
      averagePool(host, true, [gy, 'gy'], [gx, 'gx'], g, () => avgWindows(g, mode), typescript);
    },
    adaptiveAvgPool2dForward: (x, planes, H, W, OH, OW, out) => {
      const windows = () => adaptiveWindows(H, W, OH, OW);
      const typescript = () => tsAdaptiveAvgForward(x, planes, H, W, OH, OW, out);
      averagePool(host, false, [x, 'x'], [out, 'out'], adaptiveGeometry(planes, H, W, OH, OW), windows, typescript);
    },
    adaptiveAvgPool2dBackward: (gy, planes, H, W, OH, OW, gx) => {
      const windows = () => adaptiveWindows(H, W, OH, OW);
      const typescript = () => tsAdaptiveAvgBackward(gy, planes, H, W, OH, OW, gx);
      averagePool(host, true, [gy, 'gy'], [gx, 'gx'], adaptiveGeometry(planes, H, W, OH, OW), windows, typescript);
    },
  };
}
