/**
 * Pooling cases as the native tests write them (each beside the name its test takes), the geometry the kernels
 * take, and inputs full of ties.
 */
import { type PoolGeometry, poolOutputSize } from '../../core/src/kernels/pool.js';
import { rng } from '../../core/test/helpers/rng.js';
import type { ConvCase } from './conv-cases.js';
import type { FloatArray, FloatCtor } from './conv-pool-addon.js';

/** A pooling window over `planes` planes; the stride is the kernel's unless given. */
export interface PoolCase extends Pick<ConvCase, 'H' | 'W' | 'k' | 's' | 'd'> {
  planes: number;
  /** top and bottom, left and right */
  p?: [number, number];
  ceil?: boolean;
}

export type NamedPoolCase = readonly [name: string, c: PoolCase];

export function poolGeometry(c: PoolCase): PoolGeometry {
  const [kh, kw] = c.k;
  const [sh, sw] = c.s ?? c.k;
  const [ph, pw] = c.p ?? [0, 0];
  const [dh, dw] = c.d ?? [1, 1];
  const ceil = c.ceil ?? false;
  const OH = Math.max(0, poolOutputSize(c.H, kh, ph, sh, dh, ceil));
  const OW = Math.max(0, poolOutputSize(c.W, kw, pw, sw, dw, ceil));
  return { planes: c.planes, H: c.H, W: c.W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw };
}

/** The element counts of the input and the output. */
export function poolSizes(g: PoolGeometry): { x: number; y: number } {
  return { x: g.planes * g.H * g.W, y: g.planes * g.OH * g.OW };
}

/** Values on a coarse grid (many ties, zeros of both signs, a few infinities), with NaNs sprinkled in when `nans`. */
export function poolInput(ctor: FloatCtor, n: number, seed: number, nans: boolean): FloatArray {
  const r = rng(seed);
  const a = new ctor(n);
  for (let i = 0; i < n; i++) {
    const v = Math.round(r() * 8) - 4;
    const u = r();
    a[i] = v === 0 && u < 0.5 ? -0 : u < 0.02 ? Number.NEGATIVE_INFINITY : u > 0.99 ? Number.POSITIVE_INFINITY : v;
  }
  if (nans) for (let i = 0; i < n; i++) if (r() < 0.08) a[i] = Number.NaN;
  return a;
}
