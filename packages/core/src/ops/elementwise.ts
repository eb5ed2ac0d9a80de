/** The elementwise op family: binary (with broadcasting), unary, and their in-place forms. */
export { add, sub, rsub, mul, div, pow, maximum, minimum, compare, equal, logicalAnd, logicalOr, where, addcmul, addcdiv, lerp } from './binary.js';
export type { CompareOp } from './binary.js';
export { neg, abs, exp, expm1, log, log1p, sqrt, rsqrt, reciprocal, square, sin, cos, erf, sign, floor, ceil, round, clamp, isnan, isfinite, logicalNot } from './unary.js';
export { inplace, inplaceSavingNoInput, inplaceWrite, fill_, copy_, checkInplace } from './inplace.js';
