/**
 * The WebAssembly backend's convolutions (assembly/conv.ts: im2col/col2im around the packed GEMM): forward and
 * both gradients over contiguous NCHW arrays, copied into the module's memory and back. Threads split the work
 * so that each output element's sum runs in the same order whatever the split: a batch by images, a batch
 * smaller than the threads by output rows of each image, and the weight gradient by input channels (or output
 * channels when there are fewer input channels than threads), never by images, whose sum it is.
 */
import { checkFloatArray, checkInt, checkSameType, checkSpan } from './argument-checks.js';
import type { BackendKernels } from './backend.js';
import type { ConvGeometry } from './conv.js';
import type { FloatArray } from './gemm.js';
import type { WasmHost } from './wasm-entries.js';
import { WINDOW_STEPS } from './window.js';

/** ConvGeometry's fields in the order assembly/conv.ts reads them. */
const GEOMETRY: readonly (keyof ConvGeometry)[] = [
  'N',
  'C',
  'H',
  'W',
  'O',
  'kh',
  'kw',
  'OH',
  'OW',
  ...WINDOW_STEPS,
  'groups',
];
/** Per thread, at least this many multiply-adds before a convolution is split. */
const WORK_PER_THREAD = 1 << 18;
/** Images with at most this many output positions are split between threads by output channels. */
const SMALL_IMAGE = 256;

/**
 * The geometry's fields as i32s (groups at least 1 and dividing both channel counts) and the sizes the arrays
 * must have, checked before any size is computed from them.
 */
function convGeometry(g: ConvGeometry): { values: number[]; K: number; x: number; w: number; y: number } {
  if (typeof g !== 'object' || g === null) throw new TypeError("argument 'g' must be an object");
  const values = GEOMETRY.map((k) => checkInt(g[k], `g.${k}`, k === 'groups' ? 1 : 0, 0x7fffffff));
  if (g.C % g.groups !== 0 || g.O % g.groups !== 0) {
    throw new RangeError(`argument 'g.groups' (${g.groups}) must divide the channels (C ${g.C}, O ${g.O})`);
  }
  const K = (g.C / g.groups) * g.kh * g.kw;
  const sizes = { x: g.N * g.C * g.H * g.W, w: g.O * K, y: g.N * g.O * g.OH * g.OW };
  if (![K, sizes.x, sizes.w, sizes.y, K * g.OH * g.OW].every(Number.isSafeInteger))
    throw new RangeError("argument 'g': the arrays would be too large");
  return { values, K, ...sizes };
}

/** Each array of a conv call is a float array of the first one's type, long enough for the geometry. */
function checkConvArrays(arrays: [FloatArray | null, string, number][]): void {
  const [like, likeName] = arrays[0];
  checkFloatArray(like, likeName);
  for (const [a, name, n] of arrays) {
    if (a === null) continue;
    checkFloatArray(a, name);
    checkSameType(like as FloatArray, likeName, a, name);
    checkSpan(a, name, 0, n);
  }
}

/** [a, b) ranges splitting `n` into `parts` near-equal runs. */
function evenParts(n: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p < parts; p++) out.push([Math.floor((p * n) / parts), Math.floor(((p + 1) * n) / parts)]);
  return out;
}

function conv2dForward(
  host: WasmHost,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  g: ConvGeometry,
  out: FloatArray,
): void {
  const { values, K, ...n } = convGeometry(g);
  const { N, O, OH, OW } = g;
  const sizes = { x: n.x, w: n.w, b: bias === null ? 0 : O, out: n.y };
  checkConvArrays([
    [x, 'x', sizes.x],
    [w, 'w', sizes.w],
    [bias, 'bias', sizes.b],
    [out, 'out', sizes.out],
  ]);
  if (sizes.out === 0) return;
  // A batch smaller than the threads is split within each image: by output channels when an image has few
  // output positions (each thread then packs only its share of the weight), else by output rows.
  const within = N < Math.min(host.getNumThreads(), Math.floor((sizes.out * K) / WORK_PER_THREAD));
  const byChannels = within && g.groups === 1 && OH * OW <= SMALL_IMAGE;
  const byRows = within && !byChannels;
  const parts = byChannels
    ? host.parts(Math.ceil(O / 4), (sizes.out / N) * K).map(([a, b]) => [4 * a, Math.min(4 * b, O)])
    : byRows
      ? host.parts(OH, (sizes.out / N) * K)
      : host.parts(N, sizes.out * K);
  const cols = K * OW * (byRows ? Math.max(...parts.map(([r0, r1]) => r1 - r0)) : OH);
  const [xPtr, wPtr, bPtr, outPtr, ...colsPtrs] = host.regions(
    [sizes.x, sizes.w, sizes.b, sizes.out, ...parts.map(() => cols)],
    x.BYTES_PER_ELEMENT,
  );
  const geometry = host.argumentBlock(values);
  host.copyIn(x, 0, xPtr, sizes.x);
  host.copyIn(w, 0, wPtr, sizes.w);
  if (bias !== null) host.copyIn(bias, 0, bPtr, sizes.b);
  const f32 = x instanceof Float32Array;
  const b = bias === null ? 0 : bPtr;
  if (byChannels) {
    const fn = f32 ? 'convForwardChannels32' : 'convForwardChannels64';
    for (let image = 0; image < N; image++) {
      host.runParts(
        parts.map(([o0, o1], p) => ({
          fn,
          args: [geometry, xPtr, wPtr, b, outPtr, image, o0, o1, colsPtrs[p], host.workOf(p)],
        })),
      );
    }
  } else if (byRows) {
    const fn = f32 ? 'convForwardRows32' : 'convForwardRows64';
    for (let image = 0; image < N; image++) {
      host.runParts(
        parts.map(([r0, r1], p) => ({
          fn,
          args: [geometry, xPtr, wPtr, b, outPtr, image, r0, r1, colsPtrs[p], host.workOf(p)],
        })),
      );
    }
  } else {
    const fn = f32 ? 'convForward32' : 'convForward64';
    host.runParts(
      parts.map(([n0, n1], p) => ({
        fn,
        args: [geometry, xPtr, wPtr, b, outPtr, n0, n1, colsPtrs[p], host.workOf(p)],
      })),
    );
  }
  host.copyOut(x, outPtr, sizes.out, out, 0);
}

function conv2dBackwardInput(host: WasmHost, gy: FloatArray, w: FloatArray, g: ConvGeometry, gx: FloatArray): void {
  const { values, K, ...n } = convGeometry(g);
  const sizes = { gy: n.y, w: n.w, gx: n.x };
  checkConvArrays([
    [gy, 'gy', sizes.gy],
    [w, 'w', sizes.w],
    [gx, 'gx', sizes.gx],
  ]);
  if (sizes.gx === 0) return;
  const parts = host.parts(g.N, sizes.gy * K);
  const cols = K * g.OH * g.OW;
  const [gyPtr, wPtr, gxPtr, ...colsPtrs] = host.regions(
    [sizes.gy, sizes.w, sizes.gx, ...parts.map(() => cols)],
    gy.BYTES_PER_ELEMENT,
  );
  const geometry = host.argumentBlock(values);
  host.copyIn(gy, 0, gyPtr, sizes.gy);
  host.copyIn(w, 0, wPtr, sizes.w);
  const fn = gy instanceof Float32Array ? 'convBackwardInput32' : 'convBackwardInput64';
  host.runParts(
    parts.map(([n0, n1], p) => ({ fn, args: [geometry, gyPtr, wPtr, gxPtr, n0, n1, colsPtrs[p], host.workOf(p)] })),
  );
  host.copyOut(gy, gxPtr, sizes.gx, gx, 0);
}

function conv2dBackwardWeight(host: WasmHost, x: FloatArray, gy: FloatArray, g: ConvGeometry, gw: FloatArray): void {
  const { values, K, ...n } = convGeometry(g);
  const sizes = { x: n.x, gy: n.y, gw: n.w };
  checkConvArrays([
    [x, 'x', sizes.x],
    [gy, 'gy', sizes.gy],
    [gw, 'gw', sizes.gw],
  ]);
  if (sizes.gw === 0) return;
  const Cg = g.C / g.groups;
  const Og = g.O / g.groups;
  const count = host.parts(Math.max(Cg, Og), sizes.gy * K).length;
  const byChannels = Cg >= count;
  const ranges = evenParts(byChannels ? Cg : Og, count);
  const colsPer = (byChannels ? Math.max(...ranges.map(([a, b]) => b - a)) * g.kh * g.kw : K) * g.OH * g.OW;
  const [xPtr, gyPtr, gwPtr, ...colsPtrs] = host.regions(
    [sizes.x, sizes.gy, sizes.gw, ...ranges.map(() => colsPer)],
    x.BYTES_PER_ELEMENT,
  );
  const geometry = host.argumentBlock(values);
  host.copyIn(x, 0, xPtr, sizes.x);
  host.copyIn(gy, 0, gyPtr, sizes.gy);
  const fn = x instanceof Float32Array ? 'convBackwardWeight32' : 'convBackwardWeight64';
  host.runParts(
    ranges.map(([a, b], p) => {
      const [c0, c1, o0, o1] = byChannels ? [a, b, 0, Og] : [0, Cg, a, b];
      return { fn, args: [geometry, xPtr, gyPtr, gwPtr, c0, c1, o0, o1, colsPtrs[p], host.workOf(p)] };
    }),
  );
  host.copyOut(x, gwPtr, sizes.gw, gw, 0);
}

/** The three convolution entries, bound to a backend's state. */
export function wasmConvolutions(
  host: WasmHost,
): Pick<BackendKernels, 'conv2dForward' | 'conv2dBackwardInput' | 'conv2dBackwardWeight'> {
  return {
    conv2dForward: (x, w, bias, g, out) => conv2dForward(host, x, w, bias, g, out),
    conv2dBackwardInput: (gy, w, g, gx) => conv2dBackwardInput(host, gy, w, g, gx),
    conv2dBackwardWeight: (x, gy, g, gw) => conv2dBackwardWeight(host, x, gy, g, gw),
  };
}
