/** The ranges: `arange` and `linspace`. */
import { isIntegral } from './dtype.js';
import { RuntimeError, TorchTypeError } from './errors.js';
import type { Tensor } from './tensor.js';
import { checkIntArg } from './ops/util.js';
import { pyTypeName } from './python-types.js';
import { type TensorOptions, checkDType, filled, finish } from './creation.js';

/** `arange`'s keyword arguments: PyTorch's `start`, `end` and `step` may be given by name too. */
export interface ArangeOptions extends TensorOptions {
  start?: number;
  end?: number;
  step?: number;
}

/**
 * `arange(end)`, `arange(start, end, step?)`; integer arguments give int64, as `torch.arange(3)`. The bounds and
 * step may also come by name, after the positional ones, as in Python: `arange(0, 10, { step: 3 })`,
 * `arange({ end: 5 })`.
 *
 * @example
 * ```ts
 * console.log(torch.arange(5));
 * console.log(torch.arange(1, 2.5, 0.5));
 * console.log(torch.arange(3, { dtype: 'float32' }));
 * ```
 * ```text
 * tensor([0, 1, 2, 3, 4])
 * tensor([1.0000, 1.5000, 2.0000])
 * tensor([0., 1., 2.])
 * ```
 */
export function arange(...args: (number | ArangeOptions)[]): Tensor {
  const last = args[args.length - 1];
  const options: ArangeOptions = typeof last === 'object' && last !== null ? last : {};
  const nums = args.filter((a): a is number => typeof a === 'number');
  const given = args.length - (last === options ? 1 : 0);
  const named = (['start', 'end', 'step'] as const).filter((k) => options[k] !== undefined);
  const invalid = (): TorchTypeError => {
    const got = [
      ...args.slice(0, given).map((a) => pyTypeName(a)),
      ...named.map((k) => `${k}=${pyTypeName(options[k])}`),
    ];
    return new TorchTypeError(
      `arange() received an invalid combination of arguments - got (${got.join(', ')}), but expected (end), (start, end) or (start, end, step) numbers`,
    );
  };
  if (nums.length > 3 || nums.length !== given) throw invalid();
  let bounds: number[];
  if (named.length === 0) {
    if (nums.length === 0) throw invalid();
    bounds = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  } else {
    // By name, Python's order: positional values are start, end, step; the names fill the rest.
    const byPosition: (number | undefined)[] = [nums[0], nums[1], nums[2]];
    const keys = ['start', 'end', 'step'] as const;
    if (keys.some((k, i) => byPosition[i] !== undefined && options[k] !== undefined)) throw invalid();
    const [start = 0, end, step = 1] = keys.map((k, i) => byPosition[i] ?? options[k]);
    if (end === undefined || keys.some((k) => options[k] !== undefined && typeof options[k] !== 'number'))
      throw invalid();
    bounds = [start, end, step];
  }
  const [start, end, step] = bounds;
  if (!Number.isFinite(start) || !Number.isFinite(end))
    throw new RuntimeError(`unsupported range: ${pyFloatName(start)} -> ${pyFloatName(end)}`);
  if (step === 0) throw new RuntimeError('step must be nonzero');
  if ((end - start) / step < 0) throw new RuntimeError('upper bound and larger bound inconsistent with step sign');
  const dtype = options.dtype ?? (bounds.every(Number.isInteger) ? 'int64' : 'float32');
  checkDType(dtype);
  const n = Math.ceil((end - start) / step);
  // An integer arange steps by the integer start and step (PyTorch casts them first: a step of 0.5 becomes 0).
  const [first, by] = isIntegral(dtype, false) ? [Math.trunc(start), Math.trunc(step)] : [start, step];
  if (by === 0) throw new RuntimeError('step must be nonzero');
  const t = filled([n], dtype, 0);
  for (let i = 0; i < n; i++) t._array[i] = first + i * by;
  return finish(t, options);
}

/**
 * `steps` values from start to end inclusive, computed from both ends as PyTorch does.
 *
 * @example
 * ```ts
 * console.log(torch.linspace(0, 1, 5));
 * ```
 * ```text
 * tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
 * ```
 */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  checkIntArg(steps, 'linspace', 'steps', 3);
  if (steps < 0) throw new RuntimeError('number of steps must be non-negative');
  const t = filled([steps], options.dtype ?? 'float32', 0);
  const a = t._array;
  if (steps === 1) a[0] = start;
  else if (steps > 1) {
    const step = (end - start) / (steps - 1);
    const half = Math.floor(steps / 2);
    for (let i = 0; i < steps; i++) a[i] = i < half ? start + step * i : end - step * (steps - i - 1);
  }
  return finish(t, options);
}

/** A non-finite number as Python prints it (`inf`, `-inf`, `nan`); others as they are. */
function pyFloatName(x: number): string {
  return Number.isNaN(x) ? 'nan' : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : String(x);
}
