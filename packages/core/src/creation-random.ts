/** The random creation functions: `rand`, `randn`, `randLike`, `randnLike`, `randint`, `randperm`. */
import { allocateFor, isFloatingPoint, scalarTypeName } from './dtype.js';
import { RuntimeError } from './errors.js';
import { parseSizeArgs } from './shape.js';
import { type Generator, defaultGenerator } from './random.js';
import { fillNormal, fillRandint, fillUniform, randpermArray } from './sampling.js';
import type { Tensor } from './tensor.js';
import { checkIntArg } from './ops/util.js';
import { type RandomOptions, type SizeArgs, filled, finish, sizeAndOptions } from './creation.js';

function randomTensor(
  args: SizeArgs,
  fill: (out: Float32Array | Float64Array, gen: Generator) => void,
  name: string,
): Tensor {
  const { shape, options } = sizeAndOptions<RandomOptions>(args);
  const dtype = options.dtype ?? 'float32';
  if (!isFloatingPoint(dtype)) throw new RuntimeError(`"${name}" not implemented for '${scalarTypeName(dtype)}'`);
  const t = filled(shape, dtype, 0);
  fill(t._array as Float32Array | Float64Array, options.generator ?? defaultGenerator);
  return finish(t, options);
}

/**
 * Uniform samples in [0, 1).
 *
 * @example
 * ```ts
 * torch.manualSeed(0);
 * const x = torch.rand(2, 3);
 * console.log(x.shape, x.dtype);
 * console.log(x.ge(0).all(), x.lt(1).all());
 * ```
 * ```text
 * torch.Size([2, 3]) float32
 * tensor(True) tensor(True)
 * ```
 */
export function rand(...args: SizeArgs): Tensor {
  return randomTensor(args, (out, gen) => fillUniform(out, 0, 1, gen), 'check_uniform_bounds');
}

/**
 * Standard normal samples.
 *
 * @example
 * ```ts
 * const x = torch.randn([1000], { generator: new torch.Generator().manualSeed(42) });
 * console.log(x.shape);
 * console.log(x.mean().abs().lt(0.1), x.std().sub(1).abs().lt(0.1));
 * ```
 * ```text
 * torch.Size([1000])
 * tensor(True) tensor(True)
 * ```
 */
export function randn(...args: SizeArgs): Tensor {
  return randomTensor(args, (out, gen) => fillNormal(out, 0, 1, gen), 'normal_kernel_cpu');
}

/** Uniform samples in [0, 1) of `t`'s shape and dtype (`rand_like`). */
export function randLike(t: Tensor, options: RandomOptions = {}): Tensor {
  return rand(t.shape, { dtype: options.dtype ?? t.dtype, ...options });
}

/** Standard normal samples of `t`'s shape and dtype (`randn_like`). */
export function randnLike(t: Tensor, options: RandomOptions = {}): Tensor {
  return randn(t.shape, { dtype: options.dtype ?? t.dtype, ...options });
}

/**
 * `randint(high, size)` or `randint(low, high, size)`: int64 samples in [low, high).
 *
 * @example
 * ```ts
 * const x = torch.randint(0, 10, [2, 5]);
 * console.log(x.dtype, x.shape);
 * console.log(x.ge(0).all(), x.lt(10).all());
 * ```
 * ```text
 * int64 torch.Size([2, 5])
 * tensor(True) tensor(True)
 * ```
 */
export function randint(
  a: number,
  b: number | readonly number[],
  c?: readonly number[] | RandomOptions,
  d?: RandomOptions,
): Tensor {
  const [low, high, size, options] =
    typeof b === 'number' ? [a, b, c as readonly number[], d ?? {}] : [0, a, b, (c as RandomOptions) ?? {}];
  const dtype = options.dtype ?? 'int64';
  const t = filled(parseSizeArgs([size]), dtype, 0);
  fillRandint(t._array as Float64Array, low, high, options.generator ?? defaultGenerator);
  return finish(t, options);
}

/**
 * A random permutation of `0 .. n-1` (int64 unless `dtype` says otherwise).
 *
 * @example
 * ```ts
 * console.log(torch.randperm(5).sort().values);
 * ```
 * ```text
 * tensor([0, 1, 2, 3, 4])
 * ```
 */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  checkIntArg(n, 'randperm', 'n', 1);
  options ??= {};
  allocateFor([n], options.dtype ?? 'int64'); // the size check, before the permutation is drawn
  const perm = randpermArray(n, options.generator ?? defaultGenerator);
  const dtype = options.dtype ?? 'int64';
  const t = filled([n], dtype, 0);
  t._array.set(perm);
  return finish(t, options);
}
