/**
 * Python's call rule for the constructors ported from PyTorch: arguments in PyTorch's positional order, then (or
 * instead) one options object for the rest, as keyword arguments. `new SGD(params, 0.1, 0.9)` is
 * `SGD(params, 0.1, 0.9)`; `new StepLR(opt, 7, { gamma: 0.1 })` is `StepLR(opt, 7, gamma=0.1)`.
 */
import * as torch from '@kindling/core';

function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === Object.prototype || proto === null;
}

/**
 * The options object a constructor reads, from what followed its first argument: `names` are PyTorch's
 * parameters after that argument, in order, the first `required` of them without a default. Python's TypeErrors
 * for too many positional arguments and for a value given both ways.
 */
export function pythonArgs<O extends object>(cls: string, names: readonly (keyof O & string)[], args: readonly unknown[], required = 0): O {
  const out: Record<string, unknown> = {};
  let i = 0;
  for (; i < args.length && !isOptionsObject(args[i]); i++) {
    if (i >= names.length) {
      // Python counts self and the first argument (params, optimizer) too.
      throw new torch.TorchTypeError(`${cls}.__init__() takes from ${2 + required} to ${names.length + 2} positional arguments but ${args.length + 2} were given`);
    }
    if (args[i] !== undefined) out[names[i]] = args[i];
  }
  if (i < args.length) {
    if (i !== args.length - 1) throw new torch.TorchTypeError(`${cls}: the options object ({ ... }) must be the last argument`);
    for (const [k, v] of Object.entries(args[i] as Record<string, unknown>)) {
      if (k in out) throw new torch.TorchTypeError(`${cls}.__init__() got multiple values for argument '${k}'`);
      out[k] = v;
    }
  }
  return out as O;
}
