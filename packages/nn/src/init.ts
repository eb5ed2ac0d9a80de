/**
 * `nn.init`: PyTorch's parameter initialisations. Each fills the tensor in place without recording a graph and
 * returns it; the random ones draw from the default generator (seeded by `torch.manualSeed`) or `{ generator }`.
 * Optional parameters may be given positionally, in PyTorch's order, or in an options object:
 * `kaimingUniform_(w, Math.sqrt(5))`, `kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' })`.
 */
import type { Tensor } from '@kindling/core';
import * as torch from '@kindling/core';
import { isOptions } from './functional/util.js';

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

export interface GeneratorOptions {
  generator?: torch.Generator;
}

const LINEAR_FNS = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'];

/**
 * `calculate_gain(nonlinearity, param=None)`: the recommended gain for an activation (linear and conv: 1,
 * sigmoid: 1, tanh: 5/3, relu: √2, leaky_relu: √(2 / (1 + slope²)) with slope `param` (default 0.01), selu: 3/4).
 */
export function calculateGain(nonlinearity: Nonlinearity, param: number | null = null): number {
  if (LINEAR_FNS.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2);
  if (nonlinearity === 'leaky_relu') {
    const slope = param ?? 0.01;
    if (typeof slope !== 'number') throw new torch.ValueError(`negative_slope ${String(slope)} not a valid number`);
    return Math.sqrt(2 / (1 + slope * slope));
  }
  if (nonlinearity === 'selu') return 3 / 4;
  throw new torch.ValueError(`Unsupported nonlinearity ${String(nonlinearity)}`);
}

/** `_calculate_fan_in_and_fan_out`: [in · receptive field, out · receptive field] of a weight (out, in, *kernel). */
export function calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  if (tensor.ndim < 2)
    throw new torch.ValueError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = tensor.shape.slice(2).reduce((a, b) => a * b, 1);
  return [tensor.shape[1] * receptive, tensor.shape[0] * receptive];
}

function calculateCorrectFan(tensor: Tensor, mode: string): number {
  const m = mode.toLowerCase();
  if (m !== 'fan_in' && m !== 'fan_out')
    throw new torch.ValueError(`Mode ${mode} not supported, please use one of ['fan_in', 'fan_out']`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return m === 'fan_in' ? fanIn : fanOut;
}

function fill<T extends Tensor>(tensor: T, f: (t: T) => void): T {
  torch.noGrad(() => f(tensor));
  return tensor;
}

/**
 * An init function's optional parameters as one options object. Its first optional parameter holds either that
 * parameter's value (the rest then follow positionally, with `{ generator }` last: `uniform_(w, -1, 1)`) or one
 * options object for them all (`uniform_(w, { a: -1, b: 1 })`); `positional` gathers the values given positionally.
 */
function initOptions<O extends GeneratorOptions>(
  first: number | O,
  options: GeneratorOptions,
  positional: (first: number) => O,
): O {
  return isOptions<O>(first) ? first : { ...options, ...positional(first) };
}

export interface UniformOptions extends GeneratorOptions {
  a?: number;
  b?: number;
}

/** `uniform_(tensor, a=0, b=1)`: values drawn from U(a, b). */
export function uniform_<T extends Tensor>(
  tensor: T,
  a: number | UniformOptions = 0,
  b = 1,
  options: GeneratorOptions = {},
): T {
  const o = initOptions(a, options, (a) => ({ a, b }));
  return fill(tensor, (t) => t.uniform_(o.a ?? 0, o.b ?? 1, { generator: o.generator }));
}

export interface NormalOptions extends GeneratorOptions {
  mean?: number;
  std?: number;
}

/** `normal_(tensor, mean=0, std=1)`: values drawn from N(mean, std²). */
export function normal_<T extends Tensor>(
  tensor: T,
  mean: number | NormalOptions = 0,
  std = 1,
  options: GeneratorOptions = {},
): T {
  const o = initOptions(mean, options, (mean) => ({ mean, std }));
  return fill(tensor, (t) => t.normal_(o.mean ?? 0, o.std ?? 1, { generator: o.generator }));
}

export interface TruncNormalOptions extends NormalOptions {
  a?: number;
  b?: number;
}

/** The standard normal quantile Φ⁻¹(p) (P. J. Acklam's rational approximation, refined by one Halley step). */
function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x: number;
  if (p < lo || p > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(p < lo ? p : 1 - p));
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    if (p > 1 - lo) x = -x;
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

function normalCdf(x: number): number {
  return (
    (1 +
      torch
        .tensor([x / Math.SQRT2], { dtype: 'float64' })
        .erf()
        .item()) /
    2
  );
}

/**
 * `trunc_normal_(tensor, mean=0, std=1, a=-2, b=2)`: N(mean, std²) restricted to [a, b], by inverse-CDF sampling
 * as PyTorch does (a uniform draw between Φ(α) and Φ(β), mapped through Φ⁻¹, then clamped to [a, b]).
 */
export function truncNormal_<T extends Tensor>(
  tensor: T,
  mean: number | TruncNormalOptions = 0,
  std = 1,
  a = -2,
  b = 2,
  options: GeneratorOptions = {},
): T {
  const o = initOptions(mean, options, (mean) => ({ mean, std, a, b }));
  const [m, s, lo, hi] = [o.mean ?? 0, o.std ?? 1, o.a ?? -2, o.b ?? 2];
  if (m < lo - 2 * s || m > hi + 2 * s) {
    console.warn(
      'UserWarning: mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.',
    );
  }
  const pl = normalCdf((lo - m) / s);
  const pu = normalCdf((hi - m) / s);
  return fill(tensor, (t) => {
    const u = torch.empty(t.shape, { dtype: 'float64' }).uniform_(pl, pu, { generator: o.generator }).toArray();
    const values = Float64Array.from(u, (p) => Math.min(Math.max(m + s * normalQuantile(p), lo), hi));
    t.copy_(torch.fromArray(values, t.shape));
  });
}

/** `constant_(tensor, val)`. */
export function constant_<T extends Tensor>(tensor: T, val: number): T {
  return fill(tensor, (t) => t.fill_(val));
}

export function ones_<T extends Tensor>(tensor: T): T {
  return constant_(tensor, 1);
}

export function zeros_<T extends Tensor>(tensor: T): T {
  return constant_(tensor, 0);
}

/** `eye_(tensor)`: the identity in a 2-D tensor (ones on the diagonal, zeros elsewhere). */
export function eye_<T extends Tensor>(tensor: T): T {
  if (tensor.ndim !== 2) throw new torch.ValueError('Only tensors with 2 dimensions are supported');
  return fill(tensor, (t) => t.copy_(torch.eye(t.shape[0], t.shape[1], { dtype: t.dtype })));
}

/**
 * `dirac_(tensor, groups=1)`: a 3-, 4- or 5-D convolution weight that passes its input through: for each group,
 * output channel d reads input channel d at the kernel's centre (as many channels as both have), zeros elsewhere.
 */
export function dirac_<T extends Tensor>(tensor: T, groups = 1): T {
  if (tensor.ndim < 3 || tensor.ndim > 5)
    throw new torch.ValueError('Only tensors with 3, 4, or 5 dimensions are supported');
  const [out, inChannels, ...spatial] = tensor.shape;
  if (out % groups !== 0) throw new torch.ValueError('dim 0 must be divisible by groups');
  const perGroup = out / groups;
  const centre = spatial.map((s) => Math.floor(s / 2));
  return fill(tensor, (t) => {
    t.zero_();
    for (let g = 0; g < groups; g++) {
      for (let d = 0; d < Math.min(perGroup, inChannels); d++) {
        let cell: Tensor = t.select(0, g * perGroup + d).select(0, d);
        for (const c of centre) cell = cell.select(0, c);
        cell.fill_(1);
      }
    }
  });
}

export interface GainOptions extends GeneratorOptions {
  gain?: number;
}

/** U(-a, a) with a = √3 · std: the uniform distribution whose standard deviation is `std`. */
function uniformWithStd_<T extends Tensor>(tensor: T, std: number, options: GeneratorOptions): T {
  const bound = Math.sqrt(3) * std;
  return uniform_(tensor, -bound, bound, options);
}

/** Xavier's standard deviation: gain · √(2 / (fan_in + fan_out)). */
function xavierStd(tensor: Tensor, o: GainOptions): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return (o.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
}

/** `xavier_uniform_(tensor, gain=1)`: U(-a, a) with a = gain · √(6 / (fan_in + fan_out)). */
export function xavierUniform_<T extends Tensor>(
  tensor: T,
  gain: number | GainOptions = 1,
  options: GeneratorOptions = {},
): T {
  const o = initOptions(gain, options, (gain) => ({ gain }));
  return uniformWithStd_(tensor, xavierStd(tensor, o), o);
}

/** `xavier_normal_(tensor, gain=1)`: N(0, std²) with std = gain · √(2 / (fan_in + fan_out)). */
export function xavierNormal_<T extends Tensor>(
  tensor: T,
  gain: number | GainOptions = 1,
  options: GeneratorOptions = {},
): T {
  const o = initOptions(gain, options, (gain) => ({ gain }));
  return normal_(tensor, 0, xavierStd(tensor, o), o);
}

export interface KaimingOptions extends GeneratorOptions {
  /** The negative slope of the leaky_relu that follows (only used with 'leaky_relu'). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(tensor: Tensor, o: KaimingOptions): number {
  const fan = calculateCorrectFan(tensor, o.mode ?? 'fan_in');
  return calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0) / Math.sqrt(fan);
}

function zeroElementNoop(tensor: Tensor): boolean {
  if (!tensor.shape.includes(0)) return false;
  console.warn('UserWarning: Initializing zero-element tensors is a no-op');
  return true;
}

/**
 * `kaiming_uniform_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu')`: U(-bound, bound) with
 * bound = gain · √(3 / fan).
 */
export function kaimingUniform_<T extends Tensor>(
  tensor: T,
  a: number | KaimingOptions = 0,
  mode: FanMode = 'fan_in',
  nonlinearity: Nonlinearity = 'leaky_relu',
  options: GeneratorOptions = {},
): T {
  if (zeroElementNoop(tensor)) return tensor;
  const o = initOptions(a, options, (a) => ({ a, mode, nonlinearity }));
  return uniformWithStd_(tensor, kaimingStd(tensor, o), o);
}

/** `kaiming_normal_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu')`: N(0, std²) with std = gain / √fan. */
export function kaimingNormal_<T extends Tensor>(
  tensor: T,
  a: number | KaimingOptions = 0,
  mode: FanMode = 'fan_in',
  nonlinearity: Nonlinearity = 'leaky_relu',
  options: GeneratorOptions = {},
): T {
  if (zeroElementNoop(tensor)) return tensor;
  const o = initOptions(a, options, (a) => ({ a, mode, nonlinearity }));
  return normal_(tensor, 0, kaimingStd(tensor, o), o);
}

/** Q of the QR decomposition of a rows × cols matrix (rows >= cols), with R's diagonal made positive (Householder). */
function orthonormalColumns(m: Float64Array, rows: number, cols: number): Float64Array {
  const a = Float64Array.from(m);
  const vs: Float64Array[] = [];
  const signs: number[] = [];
  for (let k = 0; k < cols; k++) {
    let norm = 0;
    for (let i = k; i < rows; i++) norm += a[i * cols + k] ** 2;
    norm = Math.sqrt(norm);
    const alpha = a[k * cols + k] > 0 ? -norm : norm;
    const v = new Float64Array(rows);
    for (let i = k; i < rows; i++) v[i] = a[i * cols + k];
    v[k] -= alpha;
    let vn = 0;
    for (let i = k; i < rows; i++) vn += v[i] * v[i];
    vn = Math.sqrt(vn);
    if (vn > 0) for (let i = k; i < rows; i++) v[i] /= vn;
    for (let j = k; j < cols; j++) {
      let dot = 0;
      for (let i = k; i < rows; i++) dot += v[i] * a[i * cols + j];
      for (let i = k; i < rows; i++) a[i * cols + j] -= 2 * v[i] * dot;
    }
    vs.push(v);
    // R[k][k] is alpha; multiplying Q's column k by sign(R[k][k]) makes the diagonal positive (PyTorch's d.sign()).
    signs.push(a[k * cols + k] < 0 ? -1 : 1);
  }
  // Q = H_0 H_1 ... H_{cols-1} applied to the first `cols` columns of the identity.
  const q = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) q[j * cols + j] = 1;
  for (let k = cols - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < cols; j++) {
      let dot = 0;
      for (let i = k; i < rows; i++) dot += v[i] * q[i * cols + j];
      for (let i = k; i < rows; i++) q[i * cols + j] -= 2 * v[i] * dot;
    }
  }
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) q[i * cols + j] *= signs[j];
  return q;
}

/**
 * `orthogonal_(tensor, gain=1)`: a (semi-)orthogonal matrix from the QR decomposition of a normal draw, over the
 * tensor viewed as (size(0), numel / size(0)); rows are orthonormal when there are fewer rows than columns.
 */
export function orthogonal_<T extends Tensor>(
  tensor: T,
  gain: number | GainOptions = 1,
  options: GeneratorOptions = {},
): T {
  if (tensor.ndim < 2) throw new torch.ValueError('Only tensors with 2 or more dimensions are supported');
  if (tensor.numel() === 0) return tensor;
  const o = initOptions(gain, options, (gain) => ({ gain }));
  const rows = tensor.shape[0];
  const cols = tensor.numel() / rows;
  const flat = torch.empty([rows, cols], { dtype: 'float64' }).normal_(0, 1, { generator: o.generator });
  const tall = rows < cols ? flat.t().contiguous() : flat;
  const [r, c] = tall.shape;
  const q = torch.fromArray(orthonormalColumns(tall.toArray() as Float64Array, r, c), [r, c]);
  const result = (rows < cols ? q.t() : q).mul(o.gain ?? 1);
  return fill(tensor, (t) => t.copy_(result.reshape(t.shape)));
}
