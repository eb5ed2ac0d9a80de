/**
 * The public `nn.functional`: each function behind a check of the arguments whose type decides how it runs, with
 * PyTorch's TypeError (`relu(): argument 'input' (position 1) must be Tensor, not float`) instead of a JavaScript
 * error from deep inside the op. Layers call the functions directly; their inputs are checked by their own code.
 */
import * as torch from '@kindling/core';
import * as raw from './index.js';

type Kind = 'tensor' | 'tensor?' | 'ints' | 'options';

/** Per function, the kind of each positional argument that is checked (0-based; the input is 0). */
const ARGUMENTS: Partial<Record<keyof typeof raw, readonly (readonly [number, string, Kind])[]>> = {
  linear: [
    [1, 'weight', 'tensor'],
    [2, 'bias', 'tensor?'],
  ],
  conv2d: [
    [1, 'weight', 'tensor'],
    [2, 'bias', 'tensor?'],
  ],
  embedding: [[1, 'weight', 'tensor']],
  batchNorm: [
    [1, 'running_mean', 'tensor?'],
    [2, 'running_var', 'tensor?'],
  ],
  layerNorm: [[1, 'normalized_shape', 'ints']],
  maxPool2d: [[1, 'kernel_size', 'ints']],
  avgPool2d: [[1, 'kernel_size', 'ints']],
  adaptiveAvgPool2d: [[1, 'output_size', 'ints']],
  adaptiveMaxPool2d: [[1, 'output_size', 'ints']],
  pad: [[1, 'pad', 'ints']],
  nllLoss: [[1, 'target', 'tensor']],
  crossEntropy: [[1, 'target', 'tensor']],
  mseLoss: [[1, 'target', 'tensor']],
  l1Loss: [[1, 'target', 'tensor']],
  smoothL1Loss: [[1, 'target', 'tensor']],
  huberLoss: [[1, 'target', 'tensor']],
  binaryCrossEntropy: [[1, 'target', 'tensor']],
  binaryCrossEntropyWithLogits: [[1, 'target', 'tensor']],
  relu: [[1, 'options', 'options']],
  gelu: [[1, 'options', 'options']],
  selu: [[1, 'options', 'options']],
  silu: [[1, 'options', 'options']],
};

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function fail(op: string, name: string, position: number, expected: string, value: unknown): never {
  throw new torch.TorchTypeError(
    `${op}(): argument '${name}' (position ${position}) must be ${expected}, not ${torch._pyTypeName(value)}`,
  );
}

function isIntOrInts(v: unknown): boolean {
  const ints = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x);
  return ints(v) || (Array.isArray(v) && v.every(ints));
}

function checked<F extends (...args: never[]) => unknown>(key: string, f: F): F {
  const op = snake(key);
  const rules = ARGUMENTS[key as keyof typeof raw] ?? [];
  return ((...args: unknown[]) => {
    if (!(args[0] instanceof torch.Tensor)) fail(op, 'input', 1, 'Tensor', args[0]);
    for (const [i, name, kind] of rules) {
      const v = args[i];
      if (kind === 'tensor' && !(v instanceof torch.Tensor)) fail(op, name, i + 1, 'Tensor', v);
      if (kind === 'tensor?' && v !== undefined && v !== null && !(v instanceof torch.Tensor))
        fail(op, name, i + 1, 'Tensor', v);
      if (kind === 'ints' && !isIntOrInts(v)) fail(op, name, i + 1, 'an int or a tuple of ints', v);
      // A null options object is no options, as None keywords are in Python.
      if (kind === 'options' && v === null) args[i] = undefined;
    }
    return (f as unknown as (...a: unknown[]) => unknown)(...args);
  }) as unknown as F;
}

export const functional = Object.fromEntries(
  Object.entries(raw).map(([key, f]) => [
    key,
    typeof f === 'function' ? checked(key, f as (...args: never[]) => unknown) : f,
  ]),
) as typeof raw;
