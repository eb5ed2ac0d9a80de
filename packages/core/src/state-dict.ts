/** Copies of state dicts: what `copy.deepcopy(model.state_dict())` gives a PyTorch script. */
import { TorchTypeError } from './errors.js';
import { pyTypeName } from './python-types.js';
import { defineEntry } from './safetensors-format.js';
import { Tensor } from './tensor.js';

type Cloneable =
  | Tensor
  | number
  | string
  | boolean
  | null
  | undefined
  | readonly Cloneable[]
  | { readonly [key: string]: Cloneable };

/**
 * A deep copy of a module's or an optimizer's state dict (or any nest of plain objects, arrays, numbers, strings
 * and tensors): every tensor becomes a detached copy with storage of its own, so later training does not change
 * it. `structuredClone` cannot do this (it drops the Tensor class); this is the place for `copy.deepcopy`.
 */
export function cloneStateDict<T>(stateDict: T): T {
  return cloneValue(stateDict as Cloneable, '') as T;
}

function cloneValue(v: Cloneable, path: string): Cloneable {
  if (v instanceof Tensor) return v.detach().clone();
  if (v === null || v === undefined || typeof v !== 'object') return v;
  if (Array.isArray(v)) return (v as readonly Cloneable[]).map((x, i) => cloneValue(x, `${path}[${i}]`));
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto !== Object.prototype && proto !== null) {
    throw new TorchTypeError(
      `cloneStateDict: cannot copy a ${pyTypeName(v)} at ${path || 'the top level'}: a state dict holds tensors, numbers, strings, arrays and plain objects`,
    );
  }
  const out: Record<string, Cloneable> = {};
  for (const key of Object.keys(v))
    defineEntry(out, key, cloneValue((v as Record<string, Cloneable>)[key], path ? `${path}.${key}` : key));
  return out;
}
