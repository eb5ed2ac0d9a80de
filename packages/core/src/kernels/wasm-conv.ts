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
import type { Span, WasmHost } from './wasm-entries.js';
import type { WasmTask } from './wasm-threads.js';
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

/** How many elements an array of a convolution call holds: the input's, the weight's, the output's, or O (bias). */
type ConvArraySize = 'x' | 'w' | 'y' | 'bias';

/**
 * A convolution call's checks, before anything is copied: the geometry, then its arrays as checkConvArrays checks
 * them, in the order given. Returns the geometry's i32s, K and each array's element count (0 for a null one).
 */
function checkConvCall<Name extends string>(
  g: ConvGeometry,
  arrays: Record<Name, readonly [FloatArray | null, ConvArraySize]>,
): { values: number[]; K: number; sizes: Record<Name, number> } {
  const { values, K, ...n } = convGeometry(g);
  const entries = Object.entries(arrays) as [Name, readonly [FloatArray | null, ConvArraySize]][];
  const sizes = {} as Record<Name, number>;
  for (const [name, [a, size]] of entries) sizes[name] = a === null ? 0 : size === 'bias' ? g.O : n[size];
  checkConvArrays(entries.map(([name, [a]]) => [a, name, sizes[name]]));
  return { values, K, sizes };
}

/**
 * Lays out a call in the module's memory: a region for each of its arrays (`sizes`, in the call's order) and a
 * column buffer of `colsPerPart` elements for each part, and the geometry block. Each array is used where it is
 * when it lives in the module's memory (wasm-memory.ts), else in its region: the ones the call reads whole
 * (`read`) are copied in; the others are its outputs or are copied in slices by the caller. Returns the geometry
 * block's address and the arrays' addresses, then the column buffers'.
 */
function layOut<Name extends string>(
  host: WasmHost,
  values: readonly number[],
  sizes: Record<Name, number>,
  arrays: Record<Name, FloatArray | null>,
  read: readonly NoInfer<Name>[],
  written: readonly NoInfer<Name>[],
  parts: number,
  colsPerPart: number,
): { geometry: number; ptrs: number[] } {
  const names = Object.keys(sizes) as Name[];
  const bytes = (arrays[read[0] ?? written[0]] as FloatArray).BYTES_PER_ELEMENT;
  const regions = host.regions(
    [...names.map((name) => sizes[name]), ...new Array<number>(parts).fill(colsPerPart)],
    bytes,
  );
  const geometry = host.argumentBlock(values);
  const writes = written.map((name): Span => [arrays[name] as FloatArray, 0, sizes[name]]);
  const ptrs = names.map((name, i) => {
    const a = arrays[name];
    if (a === null) return regions[i];
    return read.includes(name) ? host.source(a, 0, sizes[name], regions[i], writes) : host.target(a, 0, regions[i]);
  });
  return { geometry, ptrs: [...ptrs, ...regions.slice(names.length)] };
}

/** [a, b) ranges splitting `n` into `parts` near-equal runs. */
function evenParts(n: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p < parts; p++) out.push([Math.floor((p * n) / parts), Math.floor(((p + 1) * n) / parts)]);
  return out;
}

/** An array of a split call in slices: part [p0, p1) holds elements base + p0·unit .. base + p1·unit, at `at` in the module. */
interface Slices {
  a: FloatArray;
  at: number;
  unit: number;
  base?: number;
}

/** Copies a part's slice into the module. */
function sliceIn(host: WasmHost, s: Slices, [p0, p1]: readonly [number, number]): void {
  const off = (s.base ?? 0) + p0 * s.unit;
  host.copyIn(s.a, off, s.at + off * s.a.BYTES_PER_ELEMENT, (p1 - p0) * s.unit);
}

/** Copies a part's slice out of the module. */
function sliceOut(host: WasmHost, s: Slices, [p0, p1]: readonly [number, number]): void {
  const off = (s.base ?? 0) + p0 * s.unit;
  host.copyOut(s.a, s.at + off * s.a.BYTES_PER_ELEMENT, (p1 - p0) * s.unit, s.a, off);
}

/**
 * Runs a call whose parts each read their own slice of `input` and write their own slice of `output`: the
 * workers' input slices are copied in first, the calling thread's own just before it runs its part (while the
 * workers compute), its output slice just after, and the workers' output slices at the end.
 */
function runSliced(
  host: WasmHost,
  parts: readonly (readonly [number, number])[],
  tasks: WasmTask[],
  input: Slices | null,
  output: Slices,
): void {
  if (input !== null) parts.slice(1).forEach((p) => sliceIn(host, input, p));
  host.runParts(tasks, {
    before: () => input !== null && sliceIn(host, input, parts[0]),
    after: () => sliceOut(host, output, parts[0]),
  });
  parts.slice(1).forEach((p) => sliceOut(host, output, p));
}

function conv2dForward(
  host: WasmHost,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  g: ConvGeometry,
  out: FloatArray,
): void {
  const { values, K, sizes } = checkConvCall(g, { x: [x, 'x'], w: [w, 'w'], bias: [bias, 'bias'], out: [out, 'y'] });
  const { N, O, OH, OW } = g;
  if (sizes.out === 0) return;
  // A batch smaller than the threads is split within each image: by output channels when an image has few
  // output positions (each thread then packs only its share of the weight), else by output rows. Either way each
  // part repeats some work (the whole image's columns, or the whole weight packed), so one part a thread.
  const within = N < Math.min(host.getNumThreads(), Math.floor((sizes.out * K) / WORK_PER_THREAD));
  const byChannels = within && g.groups === 1 && OH * OW <= SMALL_IMAGE;
  const byRows = within && !byChannels;
  const parts = byChannels
    ? host
        .parts(Math.ceil(O / 4), (sizes.out / N) * K, 1)
        .map(([a, b]): [number, number] => [4 * a, Math.min(4 * b, O)])
    : byRows
      ? host.parts(OH, (sizes.out / N) * K, 1)
      : host.parts(N, sizes.out * K);
  const cols = K * OW * (byRows ? Math.max(...parts.map(([r0, r1]) => r1 - r0)) : OH);
  // Split by channels or by images, each part reads a slice of the weight or of the input, and writes its slice of
  // the output: those are copied part by part, the calling thread's own while the workers compute (runSliced).
  const read: ('x' | 'w' | 'bias')[] = byRows ? ['x', 'w', 'bias'] : byChannels ? ['x', 'bias'] : ['w', 'bias'];
  const { geometry, ptrs } = layOut(host, values, sizes, { x, w, bias, out }, read, ['out'], parts.length, cols);
  const [xPtr, wPtr, bPtr, outPtr, ...colsPtrs] = ptrs;
  const f32 = x instanceof Float32Array;
  const b = bias === null ? 0 : bPtr;
  const ohw = OH * OW;
  if (byRows) {
    for (let image = 0; image < N; image++) {
      const fn = f32 ? 'convForwardRows32' : 'convForwardRows64';
      host.runParts(
        parts.map(([r0, r1], p) => ({
          fn,
          args: [geometry, xPtr, wPtr, b, outPtr, image, r0, r1, colsPtrs[p], host.workOf(p)],
        })),
      );
    }
    host.copyOut(x, outPtr, sizes.out, out, 0);
  } else if (byChannels) {
    // One image at a time, its output channels split between the parts; each part reads its rows of the weight.
    const fn = f32 ? 'convForwardChannels32' : 'convForwardChannels64';
    const weight = { a: w, at: wPtr, unit: K };
    for (let image = 0; image < N; image++) {
      const tasks = parts.map(([o0, o1], p) => ({
        fn,
        args: [geometry, xPtr, wPtr, b, outPtr, image, o0, o1, colsPtrs[p], host.workOf(p)],
      }));
      runSliced(host, parts, tasks, image === 0 ? weight : null, {
        a: out,
        at: outPtr,
        unit: ohw,
        base: image * O * ohw,
      });
    }
  } else {
    const fn = f32 ? 'convForward32' : 'convForward64';
    const tasks = parts.map(([n0, n1], p) => ({
      fn,
      args: [geometry, xPtr, wPtr, b, outPtr, n0, n1, colsPtrs[p], host.workOf(p)],
    }));
    runSliced(host, parts, tasks, { a: x, at: xPtr, unit: sizes.x / N }, { a: out, at: outPtr, unit: sizes.out / N });
  }
}

function conv2dBackwardInput(host: WasmHost, gy: FloatArray, w: FloatArray, g: ConvGeometry, gx: FloatArray): void {
  const { values, K, sizes } = checkConvCall(g, { gy: [gy, 'y'], w: [w, 'w'], gx: [gx, 'x'] });
  if (sizes.gx === 0) return;
  const parts = host.parts(g.N, sizes.gy * K);
  const cols = K * g.OH * g.OW;
  const { geometry, ptrs } = layOut(host, values, sizes, { gy, w, gx }, ['w'], ['gx'], parts.length, cols);
  const [gyPtr, wPtr, gxPtr, ...colsPtrs] = ptrs;
  const fn = gy instanceof Float32Array ? 'convBackwardInput32' : 'convBackwardInput64';
  const tasks = parts.map(([n0, n1], p) => ({
    fn,
    args: [geometry, gyPtr, wPtr, gxPtr, n0, n1, colsPtrs[p], host.workOf(p)],
  }));
  const N = g.N;
  runSliced(host, parts, tasks, { a: gy, at: gyPtr, unit: sizes.gy / N }, { a: gx, at: gxPtr, unit: sizes.gx / N });
}

function conv2dBackwardWeight(host: WasmHost, x: FloatArray, gy: FloatArray, g: ConvGeometry, gw: FloatArray): void {
  const { values, K, sizes } = checkConvCall(g, { x: [x, 'x'], gy: [gy, 'y'], gw: [gw, 'w'] });
  if (sizes.gw === 0) return;
  const Cg = g.C / g.groups;
  const Og = g.O / g.groups;
  // One part a thread: every part runs the whole batch, packing each image's gradient again for its GEMMs.
  const count = host.parts(Math.max(Cg, Og), sizes.gy * K, 1).length;
  const byChannels = Cg >= count;
  const ranges = evenParts(byChannels ? Cg : Og, count);
  const colsPer = (byChannels ? Math.max(...ranges.map(([a, b]) => b - a)) * g.kh * g.kw : K) * g.OH * g.OW;
  const { geometry, ptrs } = layOut(host, values, sizes, { x, gy, gw }, ['x', 'gy'], ['gw'], ranges.length, colsPer);
  const [xPtr, gyPtr, gwPtr, ...colsPtrs] = ptrs;
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
