/**
 * Python's call rule for the constructors and functions ported from PyTorch: arguments in PyTorch's positional
 * order, then (or instead) one options object for the rest, as keyword arguments. `new SGD(params, 0.1, 0.9)` is
 * `SGD(params, 0.1, 0.9)`; `new nn.Conv2d(3, 64, 7, 2, 3)` is `Conv2d(3, 64, 7, 2, 3)`; `new StepLR(opt, 7,
 * { gamma: 0.1 })` is `StepLR(opt, 7, gamma=0.1)`. Every package reads its arguments through this one rule.
 */
import { TorchTypeError } from './errors.js';

/** A plain `{ ... }` object: what ends a call's positional arguments. */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === Object.prototype || proto === null;
}

/**
 * The options object a call reads from its arguments after the `leading` ones it names itself: `names` are
 * PyTorch's parameters that follow, in order, the first `required` of them without a default. Python's TypeErrors
 * for too many positional arguments (counting `self` and the leading ones, as Python does) and for a value given
 * both ways.
 */
export function pythonArgs<O extends object>(
  cls: string,
  names: readonly (keyof O & string)[],
  args: readonly unknown[],
  required = 0,
  leading = 1,
): O {
  const base = 1 + leading;
  return readArgs<O>(`${cls}.__init__()`, cls, names, args, base + required, base);
}

/**
 * The same rule for a function's parameters after its first `leading` (`F.conv2d(input, weight, bias, stride,
 * padding, ...)`: `names` from `stride` on, `leading` 3), of which the first `required` have no default. Python's
 * count has no `self`: "conv2d() takes from 2 to 7 positional arguments but 8 were given".
 */
export function functionArgs<O extends object>(
  fn: string,
  names: readonly (keyof O & string)[],
  args: readonly unknown[],
  leading: number,
  required: number,
): O {
  return readArgs<O>(`${fn}()`, fn, names, args, required, leading);
}

/** A key in Python's spelling (`weight_decay`), where Kindling's is camelCase (`weightDecay`). */
const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;

/** Kindling's spelling of a key in Python's (`weight_decay` → `weightDecay`); null for a key not in that spelling. */
export function camelCaseOf(key: string): string | null {
  return SNAKE_CASE.test(key) ? key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : null;
}

/**
 * Python's TypeError for a keyword argument spelled as in Python (`requires_grad`, `weight_decay`, `batch_size`):
 * Kindling's options are camelCase, so such a key would otherwise be silently ignored. `callee` as Python names it
 * in messages (`SGD.__init__()`, `conv2d()`), or empty where no one name fits.
 */
export function checkCamelCaseKeys(callee: string, options: object): void {
  for (const key of Object.keys(options)) {
    const camel = camelCaseOf(key);
    if (camel === null) continue;
    const argument = `keyword argument '${key}': Kindling spells it '${camel}'`;
    throw new TorchTypeError(callee === '' ? `Unexpected ${argument}` : `${callee} got an unexpected ${argument}`);
  }
}

/**
 * A function's options object from its arguments from index `at` on (`rest`): the object itself when it comes
 * alone, else PyTorch's positional values (`names`, in PyTorch's order) read into one by functionArgs's rule:
 * `conv2d(x, w, b, 2, 1)` is `conv2d(x, w, b, { stride: 2, padding: 1 })`.
 */
export function trailingOptions<O extends object>(
  fn: string,
  names: readonly (keyof O & string)[],
  rest: readonly unknown[],
  at: number,
  required: number,
): O {
  // Arguments left out at the end (undefined, as an optional parameter passes them on) count as not given.
  let n = rest.length;
  while (n > 0 && rest[n - 1] === undefined) n--;
  if (n === 1 && isOptionsObject(rest[0])) {
    checkCamelCaseKeys(`${fn}()`, rest[0]);
    return rest[0] as O;
  }
  if (n === 0 || (n === 1 && rest[0] === null)) return {} as O;
  return functionArgs<O>(fn, names, rest.slice(0, n), at, required);
}

/** `args` (after `base` positional ones) by the rule above; `callee` as Python names it in messages. */
function readArgs<O extends object>(
  callee: string,
  label: string,
  names: readonly (keyof O & string)[],
  args: readonly unknown[],
  fewest: number,
  base: number,
): O {
  const out: Record<string, unknown> = {};
  let i = 0;
  for (; i < args.length && !isOptionsObject(args[i]); i++) {
    if (i >= names.length) {
      const most = base + names.length;
      const takes =
        fewest === most
          ? `${most} positional argument${most === 1 ? '' : 's'}`
          : `from ${fewest} to ${most} positional arguments`;
      throw new TorchTypeError(`${callee} takes ${takes} but ${base + args.length} were given`);
    }
    if (args[i] !== undefined) out[names[i]] = args[i];
  }
  if (i < args.length) {
    checkCamelCaseKeys(callee, args[i] as object);
    if (i !== args.length - 1)
      throw new TorchTypeError(`${label}: the options object ({ ... }) must be the last argument`);
    for (const [k, v] of Object.entries(args[i] as Record<string, unknown>)) {
      if (k in out) throw new TorchTypeError(`${callee} got multiple values for argument '${k}'`);
      out[k] = v;
    }
  }
  return out as O;
}
