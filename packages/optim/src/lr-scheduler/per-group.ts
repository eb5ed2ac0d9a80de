/** Scheduler arguments PyTorch takes as one value for every parameter group or a list with one per group. */
import * as torch from '@kindling/core';
import type { Optimizer } from '../optimizer.js';

function isList<T>(value: T | readonly T[]): value is readonly T[] {
  return Array.isArray(value);
}

/**
 * One value per parameter group: `value` repeated, or a copy of the list when it has exactly one per group;
 * otherwise PyTorch's ValueError, worded by `mismatch(groups, given)`.
 */
export function perGroup<T>(
  optimizer: Optimizer,
  value: T | readonly T[],
  mismatch: (groups: number, given: number) => string,
): T[] {
  const n = optimizer.paramGroups.length;
  if (!isList(value)) return new Array<T>(n).fill(value);
  if (value.length !== n) throw new torch.ValueError(mismatch(n, value.length));
  return [...value];
}
