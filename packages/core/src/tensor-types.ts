/** The argument and option types of Tensor's method surface. */
import type { Tensor } from './tensor.js';

export type Scalar = number | boolean;
export type TensorLike = Tensor | Scalar;
export type Dims = number | readonly number[];
export type NestedArray = number | boolean | bigint | readonly NestedArray[];

export interface ReduceOptions {
  dim?: Dims | null;
  keepdim?: boolean;
}

export interface VarOptions extends ReduceOptions {
  /** Bessel's correction: 1 (unbiased, the default) or 0. */
  correction?: number;
  unbiased?: boolean;
}

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  inputs?: Tensor | readonly Tensor[];
}

export interface HookHandle {
  remove(): void;
}
