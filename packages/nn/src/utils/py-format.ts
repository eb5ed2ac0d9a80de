/** Python's `repr` of numbers, booleans and tuples, for module printing (`eps=1e-05`, `kernel_size=(3, 3)`). */
import * as torch from '@kindling/core';

export const pyFloat = torch.compat.pyFloat;

/** What a layer's `extra_repr` shows: numbers, booleans, strings, None, and tuples of them. */
export type PyValue = number | boolean | string | null | undefined | readonly PyValue[];

/** Python's `repr`, arrays as the tuples PyTorch's layers store (`kernel_size=(3, 3)`). */
export function pyValue(x: PyValue): string {
  return torch.compat.pyRepr(x, { sequence: 'tuple' });
}

/** A float hyper-parameter that PyTorch stores as a Python float (`momentum=0.1`, `p=0.5`). */
export function pyFloatValue(x: number | null): string {
  return x === null ? 'None' : pyFloat(x);
}
