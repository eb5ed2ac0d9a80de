/**
 * Convolution cases as the native tests write them (each beside the name its test takes), the geometry the kernels
 * take, the sizes of its arrays and the TypeScript kernels' results.
 */
import {
  type ConvGeometry,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
  convOutputSize,
} from '../../core/src/kernels/conv.js';

export interface ConvCase {
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

export type NamedConvCase = readonly [name: string, c: ConvCase];

/** The element counts of the input, the weight and the output. */
export function convSizes(g: ConvGeometry): { x: number; w: number; y: number } {
  return { x: g.N * g.C * g.H * g.W, w: g.O * (g.C / g.groups) * g.kh * g.kw, y: g.N * g.O * g.OH * g.OW };
}

type FloatArray = Float32Array | Float64Array;

/** The TypeScript kernels' output, input gradient and weight gradient. */
export function convReference(
  ctor: Float32ArrayConstructor | Float64ArrayConstructor,
  g: ConvGeometry,
  { x, w, bias, gy }: { x: FloatArray; w: FloatArray; bias: FloatArray | null; gy: FloatArray },
): { y: FloatArray; gx: FloatArray; gw: FloatArray } {
  const n = convSizes(g);
  const y = new ctor(n.y);
  conv2dForward(x, w, bias, g, y);
  const gx = new ctor(n.x);
  conv2dBackwardInput(gy, w, g, gx);
  const gw = new ctor(n.w);
  conv2dBackwardWeight(x, gy, g, gw);
  return { y, gx, gw };
}
