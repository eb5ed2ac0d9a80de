/**
 * The argument checks the norm kernels (norm.ts) share: batch norm and layer norm take the same arrays, which differ
 * only in how many elements each holds, and check them in the same order with the same messages.
 */
import type { FloatArray } from './gemm.js';
import { checkArrayLike, checkCount, checkDisjoint } from './argument-checks.js';

function checkArray(a: FloatArray, name: string, n: number, like: FloatArray | null): void {
  checkArrayLike(a, name, n, like, "'x'");
}

function checkOptional(a: FloatArray | null, name: string, n: number, like: FloatArray): void {
  if (a !== null) checkArray(a, name, n, like);
}

/** Each size a count of elements, then their product (the elements of x), refused past 2^53. */
export function checkSizes(sizes: Record<string, number>): number {
  for (const [name, n] of Object.entries(sizes)) checkCount(n, name);
  const t = Object.values(sizes).reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(t)) throw new RangeError('x has too many elements');
  return t;
}

/**
 * The elements each array of a norm kernel holds: `size` for those shaped like x, `params` for the affine weight
 * and bias and their gradients (per channel, or per column of a row), `stats` for the saved statistics (per
 * channel, or per row).
 */
export interface NormCounts {
  size: number;
  params: number;
  stats: number;
}

/**
 * A norm forward's array checks, in order, before any array is read: the inputs' types (x's) and lengths, the
 * running statistics that evaluation needs, the outputs' types and lengths, and no array written sharing memory
 * with another. Layer norm has no running statistics (null) and always normalises by its own.
 */
export function checkForwardArrays(
  n: NormCounts,
  x: FloatArray,
  weight: FloatArray | null,
  bias: FloatArray | null,
  [runningMean, runningVar]: readonly [FloatArray | null, FloatArray | null],
  training: boolean,
  [out, saveMean, saveStd]: readonly [FloatArray, FloatArray, FloatArray],
  stdName: string,
): void {
  checkArray(x, 'x', n.size, null);
  checkOptional(weight, 'weight', n.params, x);
  checkOptional(bias, 'bias', n.params, x);
  checkOptional(runningMean, 'runningMean', n.stats, x);
  checkOptional(runningVar, 'runningVar', n.stats, x);
  if (!training && (runningMean === null || runningVar === null)) {
    throw new TypeError(
      `argument '${runningMean === null ? 'runningMean' : 'runningVar'}' must be given in evaluation mode`,
    );
  }
  checkArray(out, 'out', n.size, x);
  checkArray(saveMean, 'saveMean', n.stats, x);
  checkArray(saveStd, stdName, n.stats, x);
  checkDisjoint([
    [x, 'x', n.size, false],
    [weight, 'weight', n.params, false],
    [bias, 'bias', n.params, false],
    [runningMean, 'runningMean', n.stats, true],
    [runningVar, 'runningVar', n.stats, true],
    [out, 'out', n.size, true],
    [saveMean, 'saveMean', n.stats, true],
    [saveStd, stdName, n.stats, true],
  ]);
}

/** A norm backward's array checks, as checkForwardArrays'. */
export function checkBackwardArrays(
  n: NormCounts,
  gy: FloatArray,
  x: FloatArray,
  weight: FloatArray | null,
  [saveMean, saveStd]: readonly [FloatArray, FloatArray],
  stdName: string,
  [gx, gWeight, gBias]: readonly [FloatArray, FloatArray | null, FloatArray | null],
): void {
  checkArray(x, 'x', n.size, null);
  checkArray(gy, 'gy', n.size, x);
  checkOptional(weight, 'weight', n.params, x);
  checkArray(saveMean, 'saveMean', n.stats, x);
  checkArray(saveStd, stdName, n.stats, x);
  checkArray(gx, 'gx', n.size, x);
  checkOptional(gWeight, 'gWeight', n.params, x);
  checkOptional(gBias, 'gBias', n.params, x);
  checkDisjoint([
    [gy, 'gy', n.size, false],
    [x, 'x', n.size, false],
    [weight, 'weight', n.params, false],
    [saveMean, 'saveMean', n.stats, false],
    [saveStd, stdName, n.stats, false],
    [gx, 'gx', n.size, true],
    [gWeight, 'gWeight', n.params, true],
    [gBias, 'gBias', n.params, true],
  ]);
}
