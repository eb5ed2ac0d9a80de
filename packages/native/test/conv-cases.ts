/** Convolution cases as the native tests write them, and the geometry the kernels take. */
import { type ConvGeometry, convOutputSize } from '../../core/src/kernels/conv.js';

export interface ConvCase {
  name: string;
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  k: [number, number];
  s?: [number, number];
  /** top, bottom, left, right */
  pad?: [number, number, number, number];
  d?: [number, number];
  groups?: number;
}

export function convGeometry(c: ConvCase): ConvGeometry {
  const [kh, kw] = c.k;
  const [sh, sw] = c.s ?? [1, 1];
  const [pt, pb, pl, pr] = c.pad ?? [0, 0, 0, 0];
  const [dh, dw] = c.d ?? [1, 1];
  const OH = Math.max(0, convOutputSize(c.H, pt, pb, kh, sh, dh));
  const OW = Math.max(0, convOutputSize(c.W, pl, pr, kw, sw, dw));
  return {
    N: c.N,
    C: c.C,
    H: c.H,
    W: c.W,
    O: c.O,
    kh,
    kw,
    OH,
    OW,
    sh,
    sw,
    ph: pt,
    pw: pl,
    dh,
    dw,
    groups: c.groups ?? 1,
  };
}
