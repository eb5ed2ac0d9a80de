/** The geometry convolution and pooling share: a kh x kw window sliding over H x W planes to OH x OW outputs. */
export interface WindowGeometry {
  H: number;
  W: number;
  OH: number;
  OW: number;
  kh: number;
  kw: number;
  /** strides */
  sh: number;
  sw: number;
  /** top padding (OH already accounts for the bottom one) */
  ph: number;
  /** left padding (OW already accounts for the right one) */
  pw: number;
  /** dilations */
  dh: number;
  dw: number;
}

/**
 * The window's steps (strides, padding, dilations), in the order the WebAssembly kernels read them from a
 * geometry block, after the sizes: convolution's and pooling's blocks end alike.
 */
export const WINDOW_STEPS: readonly (keyof WindowGeometry)[] = ['sh', 'sw', 'ph', 'pw', 'dh', 'dw'];
