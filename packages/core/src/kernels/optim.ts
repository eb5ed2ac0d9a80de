/**
 * Fused optimizer updates: one pass over one parameter's n contiguous elements, in place, giving bit for bit what
 * @kindling/optim's SGD, Adam and AdamW compute with tensor ops (PyTorch 1.13's single-tensor updates).
 *
 * Each tensor op of those updates rounds its result to the parameter's dtype once; these loops round at exactly
 * the same places. For Float32Array, values are computed in double and rounded with Math.fround (or by the store)
 * where an op stores, mirroring the op kernels:
 *  - `t.mul_(s)`, `t.add_(s)`, `t.div(s)`, `t.sqrt()`: the scalar is first rounded to the dtype (a Python scalar
 *    meets a float32 tensor as a float32 value), then fround(a op b);
 *  - `x.add(y, { alpha })` / `add_` with alpha: fma(fround(alpha), y, x), a fused multiply-add rounded once to
 *    float32 (fma.ts; as ops/binary.ts `scaledAdd`);
 *  - `addcmul_(t1, t2, { value })`: fma(fround(fround(value) * t1), t2, self), rounded once;
 *  - `addcdiv_(t1, t2, { value })`: fround(self + fround(fround(fround(value) * t1) / t2));
 *  - `maximum`: NaN when either side is NaN, else the larger (the second one on ties).
 * For Float64Array the same expressions run without the extra roundings, the fused multiply-adds in double.
 *
 * Arrays are contiguous and must not overlap (each is read or written at the same index only, but a partial
 * overlap would feed one element's result into another's inputs).
 */
import type { FloatArray } from './gemm.js';
import { type ArrayUse, checkArrayLike, checkCount, checkDisjoint } from './argument-checks.js';
import { fma32, fma64 } from './fma.js';
import { pyPow } from './pow.js';

const fr = Math.fround;
const same = (v: number): number => v;

function checkArray(a: FloatArray, name: string, n: number, like: FloatArray | null): void {
  checkArrayLike(a, name, n, like, 'the parameter');
}

/** An optimizer state array that only some settings use (SGD's momentum buffer, Adam's amsgrad maximum). */
interface OptionalState {
  array: FloatArray | null;
  name: string;
  /** Whether the settings use it; when not, it is neither checked nor used. */
  used: boolean;
  /** The setting that needs it, for the message when it is missing. */
  neededWhen: string;
}

/**
 * An update's array checks, before any array is read: the parameter's type and length, then the gradient's and
 * each state's (the parameter's type, n elements), the optional state when the settings use it (it must then be
 * given), and no two arrays sharing memory (the gradient is read, the rest written). Returns the optional state
 * the update uses: null when there is none or the settings do not use it.
 */
function checkUpdateArrays(
  n: number,
  param: FloatArray,
  grad: FloatArray,
  states: readonly (readonly [FloatArray, string])[],
  optional: OptionalState | null,
): FloatArray | null {
  checkArray(param, 'param', n, null);
  checkArray(grad, 'grad', n, param);
  for (const [a, name] of states) checkArray(a, name, n, param);
  let used: FloatArray | null = null;
  if (optional !== null && optional.used) {
    if (optional.array === null)
      throw new TypeError(
        `argument '${optional.name}' must be a Float32Array or Float64Array when ${optional.neededWhen}`,
      );
    checkArray(optional.array, optional.name, n, param);
    used = optional.array;
  }
  const uses: ArrayUse[] = [
    [param, 'param', n, true],
    [grad, 'grad', n, false],
  ];
  for (const [a, name] of states) uses.push([a, name, n, true]);
  if (optional !== null) uses.push([used, optional.name, n, true]);
  checkDisjoint(uses);
  return used;
}

/**
 * sgdUpdate's array checks, before any array is read: n, then the arrays as checkUpdateArrays checks them, the
 * momentum buffer used when momentum is on. Returns the buffer the update uses (null without momentum).
 */
export function checkSgdArrays(
  param: FloatArray,
  grad: FloatArray,
  buf: FloatArray | null,
  n: number,
  momentum: number,
): FloatArray | null {
  checkCount(n, 'n');
  const momentumBuffer = { array: buf, name: 'buf', used: momentum !== 0, neededWhen: 'momentum is not 0' };
  return checkUpdateArrays(n, param, grad, [], momentumBuffer);
}

/**
 * SGD's scalars as its loop uses them and in the order the WebAssembly kernel takes them: -lr, momentum,
 * 1 - dampening and weightDecay, each rounded once by `round` (as adamScalars).
 */
export function sgdScalars(
  lr: number,
  momentum: number,
  dampening: number,
  weightDecay: number,
  round: (v: number) => number,
): number[] {
  return [-lr, momentum, 1 - dampening, weightDecay].map(round);
}

/**
 * SGD (momentum, dampening, Nesterov, weight decay, maximize) over param[0, n) in place:
 *
 *     d = maximize ? -grad : grad;  if (weightDecay != 0) d = d + weightDecay * param
 *     if (momentum != 0) { buf = firstStep ? d : buf * momentum + (1 - dampening) * d;  d = nesterov ? d + momentum * buf : buf }
 *     param = param - lr * d
 *
 * `buf` is the momentum buffer (may be null when momentum is 0; it is then neither read nor written). On the first
 * step it is set to d, as PyTorch's `clone().detach()`.
 */
export function sgdUpdate(
  param: FloatArray,
  grad: FloatArray,
  buf: FloatArray | null,
  n: number,
  lr: number,
  momentum: number,
  dampening: number,
  weightDecay: number,
  nesterov: boolean,
  maximize: boolean,
  firstStep: boolean,
): void {
  const b = checkSgdArrays(param, grad, buf, n, momentum);
  const decay = weightDecay !== 0;
  const f32 = param instanceof Float32Array;
  const [step, mom, keep, wd] = sgdScalars(lr, momentum, dampening, weightDecay, f32 ? fr : same);
  if (f32) {
    for (let i = 0; i < n; i++) {
      let d = maximize ? -grad[i] : grad[i];
      if (decay) d = fma32(wd, param[i], d);
      if (b !== null) {
        const m = firstStep ? d : fma32(keep, d, fr(b[i] * mom));
        b[i] = m;
        d = nesterov ? fma32(mom, m, d) : m;
      }
      param[i] = fma32(step, d, param[i]);
    }
  } else {
    for (let i = 0; i < n; i++) {
      let d = maximize ? -grad[i] : grad[i];
      if (decay) d = fma64(wd, param[i], d);
      if (b !== null) {
        const m = firstStep ? d : fma64(keep, d, b[i] * mom);
        b[i] = m;
        d = nesterov ? fma64(mom, m, d) : m;
      }
      param[i] = fma64(step, d, param[i]);
    }
  }
}

/**
 * Adam's scalars for a step, as its loop uses them and in the order the WebAssembly kernel takes them:
 * 1 - lr·weightDecay, weightDecay, beta1, 1 - beta1, beta2, 1 - beta2, sqrt(1 - beta2^step), eps and
 * -lr / (1 - beta1^step), each rounded once by `round` (Math.fround for float32, as a Python scalar meets a float32
 * tensor; nothing for float64). The powers are C's (pow.ts), as adam.ts's, so the bias corrections are PyTorch's doubles.
 */
export function adamScalars(
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  weightDecay: number,
  step: number,
  round: (v: number) => number,
): number[] {
  const stepSize = lr / (1 - pyPow(beta1, step));
  const biasCorrection2Sqrt = Math.sqrt(1 - pyPow(beta2, step));
  return [
    1 - lr * weightDecay,
    weightDecay,
    beta1,
    1 - beta1,
    beta2,
    1 - beta2,
    biasCorrection2Sqrt,
    eps,
    -stepSize,
  ].map(round);
}

/** adamUpdate's first checks, before its scalars and arrays: n, then `step` (the bias corrections' exponent). */
export function checkAdamCounts(n: number, step: number): void {
  checkCount(n, 'n');
  if (!Number.isSafeInteger(step) || step < 1)
    throw new RangeError(`argument 'step' must be a positive integer, got ${step}`);
}

/** adamUpdate's arrays, with the size and the setting their checks read. */
export interface AdamArrays {
  param: FloatArray;
  grad: FloatArray;
  expAvg: FloatArray;
  expAvgSq: FloatArray;
  maxExpAvgSq: FloatArray | null;
  n: number;
  amsgrad: boolean;
}

/**
 * adamUpdate's array checks, before any array is read, as checkUpdateArrays checks them, the amsgrad maximum used
 * when amsgrad is on. Returns the maximum the update uses (null without amsgrad).
 */
export function checkAdamArrays({
  param,
  grad,
  expAvg,
  expAvgSq,
  maxExpAvgSq,
  n,
  amsgrad,
}: AdamArrays): FloatArray | null {
  const states = [
    [expAvg, 'expAvg'],
    [expAvgSq, 'expAvgSq'],
  ] as const;
  const maximum = { array: maxExpAvgSq, name: 'maxExpAvgSq', used: amsgrad, neededWhen: 'amsgrad is set' };
  return checkUpdateArrays(n, param, grad, states, maximum);
}

/** amsgrad's running maximum at i, updated with this step's second moment s: `maximum`'s rule (NaN wins). */
function amsgradMaximum(mx: FloatArray, i: number, s: number): number {
  const old = mx[i];
  const max = old !== old || s !== s ? NaN : old > s ? old : s;
  mx[i] = max;
  return max;
}

/**
 * Adam (decoupled = false) or AdamW (decoupled = true) over param[0, n) in place; `step` is the step count after
 * this step's increment (1 on the first step):
 *
 *     g = maximize ? -grad : grad
 *     decoupled ? param = param * (1 - lr * weightDecay) : weightDecay != 0 && (g = g + weightDecay * param)
 *     expAvg = expAvg * beta1 + (1 - beta1) * g;  expAvgSq = expAvgSq * beta2 + ((1 - beta2) * g) * g
 *     amsgrad && (maxExpAvgSq = maximum(maxExpAvgSq, expAvgSq))
 *     denom = sqrt(amsgrad ? maxExpAvgSq : expAvgSq) / sqrt(1 - beta2^step) + eps
 *     param = param + ((-lr / (1 - beta1^step)) * expAvg) / denom
 */
export function adamUpdate(
  param: FloatArray,
  grad: FloatArray,
  expAvg: FloatArray,
  expAvgSq: FloatArray,
  maxExpAvgSq: FloatArray | null,
  n: number,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  weightDecay: number,
  decoupled: boolean,
  amsgrad: boolean,
  maximize: boolean,
  step: number,
): void {
  checkAdamCounts(n, step);
  const mx = checkAdamArrays({ param, grad, expAvg, expAvgSq, maxExpAvgSq, n, amsgrad });
  const f32 = param instanceof Float32Array;
  const round = f32 ? fr : same;
  const [shrink, wd, b1, k1, b2, k2, bc2, e, v] = adamScalars(lr, beta1, beta2, eps, weightDecay, step, round);
  const coupled = !decoupled && weightDecay !== 0;
  if (f32) {
    for (let i = 0; i < n; i++) {
      let g = maximize ? -grad[i] : grad[i];
      let p = param[i];
      if (decoupled) p = fr(p * shrink);
      else if (coupled) g = fma32(wd, p, g);
      const m = fma32(k1, g, fr(expAvg[i] * b1));
      const s = fma32(fr(k2 * g), g, fr(expAvgSq[i] * b2));
      expAvg[i] = m;
      expAvgSq[i] = s;
      const second = mx === null ? s : amsgradMaximum(mx, i, s);
      const denom = fr(fr(fr(Math.sqrt(second)) / bc2) + e);
      param[i] = p + fr(fr(v * m) / denom);
    }
  } else {
    for (let i = 0; i < n; i++) {
      let g = maximize ? -grad[i] : grad[i];
      let p = param[i];
      if (decoupled) p = p * shrink;
      else if (coupled) g = fma64(wd, p, g);
      const m = fma64(k1, g, expAvg[i] * b1);
      const s = fma64(k2 * g, g, expAvgSq[i] * b2);
      expAvg[i] = m;
      expAvgSq[i] = s;
      const second = mx === null ? s : amsgradMaximum(mx, i, s);
      const denom = Math.sqrt(second) / bc2 + e;
      param[i] = p + (v * m) / denom;
    }
  }
}

/**
 * Adadelta (rho, eps, weight decay, maximize) over param[0, n) in place, PyTorch 1.13's single-tensor update:
 *
 *     g = maximize ? -grad : grad;  if (weightDecay != 0) g = g + weightDecay * param
 *     squareAvg = squareAvg * rho + ((1 - rho) * g) * g
 *     delta = (sqrt(accDelta + eps) / sqrt(squareAvg + eps)) * g
 *     accDelta = accDelta * rho + ((1 - rho) * delta) * delta
 *     param = param - lr * delta
 */
export function adadeltaUpdate(
  param: FloatArray,
  grad: FloatArray,
  squareAvg: FloatArray,
  accDelta: FloatArray,
  n: number,
  lr: number,
  rho: number,
  eps: number,
  weightDecay: number,
  maximize: boolean,
): void {
  checkCount(n, 'n');
  const states = [
    [squareAvg, 'squareAvg'],
    [accDelta, 'accDelta'],
  ] as const;
  checkUpdateArrays(n, param, grad, states, null);
  const decay = weightDecay !== 0;
  if (param instanceof Float32Array) {
    const r = fr(rho);
    const k = fr(1 - rho);
    const e = fr(eps);
    const wd = fr(weightDecay);
    const step = fr(-lr);
    for (let i = 0; i < n; i++) {
      const p = param[i];
      let g = maximize ? -grad[i] : grad[i];
      if (decay) g = fma32(wd, p, g);
      const sa = fma32(fr(k * g), g, fr(squareAvg[i] * r));
      squareAvg[i] = sa;
      const std = fr(Math.sqrt(fr(sa + e)));
      const ad = accDelta[i];
      const delta = fr(fr(fr(Math.sqrt(fr(ad + e))) / std) * g);
      accDelta[i] = fma32(fr(k * delta), delta, fr(ad * r));
      param[i] = fma32(step, delta, p);
    }
  } else {
    const k = 1 - rho;
    for (let i = 0; i < n; i++) {
      const p = param[i];
      let g = maximize ? -grad[i] : grad[i];
      if (decay) g = fma64(weightDecay, p, g);
      const sa = fma64(k * g, g, squareAvg[i] * rho);
      squareAvg[i] = sa;
      const delta = (Math.sqrt(accDelta[i] + eps) / Math.sqrt(sa + eps)) * g;
      accDelta[i] = fma64(k * delta, delta, accDelta[i] * rho);
      param[i] = fma64(-lr, delta, p);
    }
  }
}
