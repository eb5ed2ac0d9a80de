/**
 * The activations' backward formulas per element, rounded as PyTorch's CPU kernels round them (checked bit for
 * bit against PyTorch 1.13 in test/activation-backward.test.ts):
 * - tanh: g * (1 - y*y), the inner term one fused multiply-add;
 * - sigmoid: (g * (1 - y)) * y, each step in the tensor's type.
 */

/** 1 - y*y rounded once, as fma(-y, y, 1) gives it. */
export function oneMinusSquare(y: number): number {
  const p = y * y;
  // Past this the split below overflows; 1 is then far below an ulp of y*y.
  if (!(Math.abs(y) < 1e150)) return 1 - p;
  // y*y = p + e exactly (Dekker's product); 1 - p = s + t exactly (Knuth's TwoSum).
  const c = 134217729 * y;
  const hi = c - (c - y);
  const lo = y - hi;
  const e = hi * hi - p + 2 * hi * lo + lo * lo;
  const s = 1 - p;
  const v = s - 1;
  const t = 1 - (s - v) + (-p - v);
  return s + (t - e);
}

/** For float32 y the product is exact in double, so one subtraction rounded to float32 is the fma. */
export function tanhGradF32(g: number, y: number): number {
  return Math.fround(g * Math.fround(1 - y * y));
}

export function tanhGradF64(g: number, y: number): number {
  return g * oneMinusSquare(y);
}

export function sigmoidGradF32(g: number, y: number): number {
  return Math.fround(Math.fround(g * Math.fround(1 - y)) * y);
}

export function sigmoidGradF64(g: number, y: number): number {
  return g * (1 - y) * y;
}
