/**
 * The sampling kernels behind uniform_, normal_, random_/randint, randperm and bernoulli_, over plain typed
 * arrays, drawing from a Generator (random.ts), with PyTorch's argument checks and messages.
 */
import { RuntimeError, TorchTypeError } from './errors.js';
import { FLOAT32_MAX, Generator, checkIntegerRange, defaultGenerator, formatInt } from './random.js';
import { getKernelBackend } from './kernels/registry.js';
import { worthABackendCall } from './ops/util.js';

/** A double as C++ streams print it (printf's %g: 6 significant digits), the way PyTorch's messages show them. */
function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa = '', exponentText = '0'] = x.toExponential(5).split('e');
  const exponent = Number(exponentText);
  const trim = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (exponent < -4 || exponent >= 6) {
    return `${trim(mantissa)}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return trim(x.toFixed(5 - exponent));
}

const TWO_POW_32 = 0x100000000;
const scratch64 = new Float64Array(1);
const scratch64Bits = new BigInt64Array(scratch64.buffer);
const scratch32 = new Float32Array(1);
const scratch32Bits = new Int32Array(scratch32.buffer);

/** The largest double strictly below a finite x. */
function doubleBelow(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  scratch64[0] = x;
  scratch64Bits[0] += x > 0 ? -1n : 1n;
  return scratch64[0];
}

/** The largest float32 value strictly below a finite x (x within float32's range). */
function float32Below(x: number): number {
  const rounded = Math.fround(x);
  if (rounded < x) return rounded;
  if (rounded === 0) return -1.401298464324817e-45;
  scratch32[0] = rounded;
  scratch32Bits[0] += rounded > 0 ? -1 : 1;
  return scratch32[0];
}

// ---------------------------------------------------------------------------------------------------------------
// Fill kernels
// ---------------------------------------------------------------------------------------------------------------

/**
 * uniform_: fills `out` with values uniform in [from, to). Float32 outputs use 24-bit samples (nextFloat32),
 * float64 outputs 53-bit ones (nextDouble). The stored value is always below `to` when from < to: a sample that
 * rounds up onto `to` is stored as the largest representable value below it.
 */
export function fillUniform(
  out: Float32Array | Float64Array,
  from: number,
  to: number,
  gen: Generator = defaultGenerator,
): void {
  const single = out instanceof Float32Array;
  const max = single ? FLOAT32_MAX : Number.MAX_VALUE;
  const dtypeName = single ? 'float' : 'double';
  if (!(from >= -max && from <= max)) throw new RuntimeError(`from is out of bounds for ${dtypeName}`);
  if (!(to >= -max && to <= max)) throw new RuntimeError(`to is out of bounds for ${dtypeName}`);
  if (from > to) {
    throw new RuntimeError(
      `uniform_ expects to return a [from, to) range, but found from=${formatDouble(from)} > to=${formatDouble(to)}`,
    );
  }
  const span = to - from;
  if (!(span <= max)) {
    throw new RuntimeError(
      `uniform_ expects to-from <= std::numeric_limits<${single ? 'Float' : 'Double'}>::max(), but found ` +
        `to=${formatDouble(to)} and from=${formatDouble(from)} which result in to-from to exceed the limit`,
    );
  }
  const n = out.length;
  if (from === to) {
    out.fill(from);
    return;
  }
  if (single) {
    const top = float32Below(to);
    for (let k = 0; k < n; k++) {
      const v = Math.fround(from + span * gen.nextFloat32());
      out[k] = v < to ? v : top;
    }
  } else {
    const top = doubleBelow(to);
    for (let k = 0; k < n; k++) {
      const v = from + span * gen.nextDouble();
      out[k] = v < to ? v : top;
    }
  }
}

/** normal_: fills `out` with mean + std * N(0, 1) samples (computed in double, rounded on store). */
export function fillNormal(
  out: Float32Array | Float64Array,
  mean: number,
  std: number,
  gen: Generator = defaultGenerator,
): void {
  if (!(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${formatDouble(std)}`);
  const n = out.length;
  for (let k = 0; k < n; k++) out[k] = mean + std * gen.nextNormal();
}

/** PyTorch's update_from for float32 outputs: raises `from` so that it survives the cast to float32. */
function float32From(from: number): number {
  const nextCast = Math.fround(from + 1);
  if (nextCast >= from) return from;
  return nextCast + 2 ** (bitLength(Math.abs(from + 1)) - 24 + 1);
}

/** PyTorch's update_to for float32 outputs: lowers `to` so that no sample rounds up onto it. */
function float32To(to: number): number {
  const lastCast = Math.fround(to - 1);
  if (lastCast < to) return to;
  return lastCast - 2 ** (bitLength(Math.abs(to - 1)) - 24 + 1);
}

/** floor(log2(x)) for an integer x >= 1, computed exactly (the `while (x >>= 1) ++n` loop). */
function bitLength(x: number): number {
  let n = 0;
  for (let v = x; v >= 2; v = Math.floor(v / 2)) n++;
  return n;
}

/**
 * random_(from, to) / randint: fills `out` with integers uniform in [low, high). Float64Array outputs also serve
 * int64 tensors. For float32 outputs the bounds are first moved onto float32's grid, as PyTorch does, so that
 * large values cannot round out of the range.
 */
export function fillRandint(
  out: Float32Array | Float64Array | Int32Array,
  low: number,
  high: number,
  gen: Generator = defaultGenerator,
): void {
  checkIntegerRange(low, high);
  let from = low;
  let to = high;
  if (out instanceof Float32Array) {
    from = float32From(from);
    to = float32To(to);
    if (from >= to) {
      throw new RuntimeError(
        "random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got " +
          `from=${formatInt(from)} >= to=${formatInt(to)}`,
      );
    }
  } else if (out instanceof Int32Array) {
    if (from < -0x80000000 || from > 0x7fffffff) throw new RuntimeError('from is out of bounds for int');
    if (to - 1 < -0x80000000 || to - 1 > 0x7fffffff) throw new RuntimeError('to - 1 is out of bounds for int');
  }
  const n = out.length;
  for (let k = 0; k < n; k++) out[k] = gen.nextInt(from, to);
}

/** randperm: a uniformly random permutation of 0..n-1 (Fisher–Yates with unbiased draws). */
export function randpermArray(n: number, gen: Generator = defaultGenerator): Float64Array {
  if (!Number.isInteger(n)) throw new TorchTypeError(`randperm expected an integer n, but got ${n}`);
  if (n < 0) throw new RuntimeError(`randperm expected n >= 0 but got ${formatInt(n)}`);
  const perm = new Float64Array(n);
  for (let k = 0; k < n; k++) perm[k] = k;
  for (let k = n - 1; k > 0; k--) {
    const j = gen.nextInt(0, k + 1);
    const held = perm[k];
    perm[k] = perm[j];
    perm[j] = held;
  }
  return perm;
}

/** Exponential samples of rate `lambd`: -log(1 - u) / λ for u uniform in [0, 1) (λ = 0 gives infinity, as PyTorch). */
export function fillExponential(
  out: Float32Array | Float64Array,
  lambd: number,
  gen: Generator = defaultGenerator,
): void {
  if (!(lambd >= 0))
    throw new RuntimeError(`exponential_ expects lambda >= 0.0, but found lambda=${formatDouble(lambd)}`);
  for (let k = 0; k < out.length; k++) out[k] = -Math.log1p(-gen.nextDouble()) / lambd;
}

/**
 * bernoulli_(p): fills `out` with 1 with probability p and 0 otherwise. One 32-bit word per element, compared with
 * p * 2^32: p's resolution is 2^-32 (0 and 1 exact), and a dropout mask costs half the draws of a 53-bit uniform.
 */
export function fillBernoulli(
  out: Float32Array | Float64Array | Uint8Array,
  p: number,
  gen: Generator = defaultGenerator,
): void {
  if (!(p >= 0 && p <= 1)) {
    throw new RuntimeError(`bernoulli_ expects p to be in [0, 1], but got p=${formatDouble(p)}`);
  }
  const n = out.length;
  const threshold = p * TWO_POW_32;
  if (out instanceof Uint8Array || !worthABackendCall(n)) {
    for (let k = 0; k < n; k++) out[k] = gen.nextUint32() < threshold ? 1 : 0;
    return;
  }
  getKernelBackend().bernoulliFill(gen._bitState(), out, n, threshold, 1);
}
