/** The elementwise op family: binary (with broadcasting), unary, and their in-place forms. */
export { add, sub, rsub, mul, div, maximum, minimum, compare, equal, logicalAnd, logicalOr, where } from './binary.js';
export { addcmul, addcdiv, lerp } from './combine.js';
export { pow, atan2, fmod, remainder, hypot, logaddexp, logaddexp2, xlogy, copysign } from './binary-math.js';
export type { CompareOp } from './binary.js';
export * from './unary.js';
export { clamp, clampBound } from './clamp.js';
export { inplace, inplaceFill, inplaceSavingNoInput, inplaceWrite, fill_, copy_, checkInplace } from './inplace.js';
