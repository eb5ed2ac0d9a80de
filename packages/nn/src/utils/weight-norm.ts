/**
 * `nn.utils.weightNorm` and `nn.utils.removeWeightNorm`: a parameter re-expressed as `g · v / ‖v‖` (Salimans and
 * Kingma), as PyTorch's `weight_norm` does it: the parameter gives way to `<name>_g` and `<name>_v`, and a forward
 * pre-hook recomputes it from them before every `forward`.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import type { Module } from '../module.js';
import { Parameter } from '../parameter.js';

/** A module's fields by name, as PyTorch's `getattr` / `setattr` / `delattr` reach them. */
type Fields = Record<string, Tensor | null | undefined>;

/** The pre-hooks weightNorm registered, by module and parameter name (for removal, and to refuse a second one). */
const registered = new WeakMap<Module, Map<string, { dim: number; remove: () => void }>>();

function computeWeight(module: Module, name: string, dim: number): Tensor {
  const fields = module as unknown as Fields;
  return torch._weightNorm(fields[`${name}_v`] as Tensor, fields[`${name}_g`] as Tensor, dim);
}

/**
 * `weight_norm(module, name='weight', dim=0)`: `module[name]` becomes `g · v / ‖v‖`, the norm over every dim but
 * `dim` (null: over the whole tensor), with the parameters `<name>_g` (the norms) and `<name>_v` (the direction).
 *
 * @example
 * ```ts
 * const layer = nn.utils.weightNorm(new nn.Linear(3, 2));
 * console.log(Object.keys(layer.stateDict()), layer.weight_g.shape);
 * ```
 * ```text
 * [ 'bias', 'weight_g', 'weight_v' ] torch.Size([2, 1])
 * ```
 */
export function weightNorm<M extends Module>(
  module: M,
  name = 'weight',
  dim: number | null = 0,
): M & Record<`${typeof name}_g` | `${typeof name}_v`, Parameter> {
  const hooks = registered.get(module) ?? new Map<string, { dim: number; remove: () => void }>();
  if (hooks.has(name))
    throw new torch.RuntimeError(`Cannot register two weight_norm hooks on the same parameter ${name}`);
  const fields = module as unknown as Fields;
  const weight = fields[name];
  if (!(weight instanceof torch.Tensor))
    throw new torch.ValueError(`weight_norm: the module has no parameter '${name}'`);
  const d = dim ?? -1;
  delete fields[name];
  fields[`${name}_g`] = new Parameter(torch.normExceptDim(weight.detach(), 2, d));
  fields[`${name}_v`] = new Parameter(weight.detach().clone());
  fields[name] = computeWeight(module, name, d);
  const handle = module.registerForwardPreHook(() => {
    fields[name] = computeWeight(module, name, d);
  });
  hooks.set(name, { dim: d, remove: () => handle.remove() });
  registered.set(module, hooks);
  return module as M & Record<`${typeof name}_g` | `${typeof name}_v`, Parameter>;
}

/** `remove_weight_norm(module, name='weight')`: the parameter back as one, with its current value. */
export function removeWeightNorm<M extends Module>(module: M, name = 'weight'): M {
  const hook = registered.get(module)?.get(name);
  if (hook === undefined) throw new torch.ValueError(`weight_norm of '${name}' not found in ${String(module)}`);
  const fields = module as unknown as Fields;
  const weight = computeWeight(module, name, hook.dim);
  delete fields[name];
  delete fields[`${name}_g`];
  delete fields[`${name}_v`];
  fields[name] = new Parameter(weight.detach());
  hook.remove();
  registered.get(module)?.delete(name);
  return module;
}
