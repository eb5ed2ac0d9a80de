/**
 * Walking a Module tree: its modules depth first, its direct children, its parameters and buffers under their
 * dotted names, and a sub-module by its path. Each module and each tensor comes once, however often it is shared.
 */
import type { Tensor } from '@kindling/core';
import type { Module } from './module.js';

/** What the parameter and buffer listings take: a name prefix, and whether to include descendants (default). */
export interface MemberOptions {
  prefix?: string;
  recurse?: boolean;
}

/** `module` under `prefix`, then its descendants through their own `namedModulesIter`, skipping those in `memo`. */
export function* walkModules(module: Module, prefix: string, memo: Set<Module>): Generator<[string, Module]> {
  if (memo.has(module)) return;
  memo.add(module);
  yield [prefix, module];
  for (const [name, m] of module._modules) if (m) yield* m.namedModulesIter(prefix ? `${prefix}.${name}` : name, memo);
}

/** `[name, module]` for the direct sub-modules, a module filed under two names coming under the first. */
export function distinctChildren(module: Module): [string, Module][] {
  const seen = new Set<Module>();
  const out: [string, Module][] = [];
  for (const [name, m] of module._modules) {
    if (m && !seen.has(m)) {
      seen.add(m);
      out.push([name, m]);
    }
  }
  return out;
}

/** The `[dotted name, tensor]` pairs `pick` gives of `module` (and, with `recurse`, its descendants), each once. */
export function namedTensors<T extends Tensor>(
  module: Module,
  pick: (m: Module) => Iterable<[string, T | null]>,
  { prefix = '', recurse = true }: MemberOptions,
): [string, T][] {
  const seen = new Set<T>();
  const out: [string, T][] = [];
  const mods: [string, Module][] = recurse ? module.namedModules({ prefix }) : [[prefix, module]];
  for (const [modPrefix, m] of mods) {
    for (const [name, t] of pick(m)) {
      if (!t || seen.has(t)) continue;
      seen.add(t);
      out.push([modPrefix ? `${modPrefix}.${name}` : name, t]);
    }
  }
  return out;
}

/** The sub-module at the dotted path `target` (`'layer1.0.conv1'`), or PyTorch's error naming the missing step. */
export function submoduleAt(module: Module, target: string): Module {
  if (target === '') return module;
  return target.split('.').reduce<Module>((mod, item) => {
    const next = mod._modules.get(item);
    if (!next) throw new Error(`${mod.constructor.name} has no attribute \`${item}\``);
    return next;
  }, module);
}
