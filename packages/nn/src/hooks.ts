/** Forward hooks of Modules: their types, the handles that remove them (PyTorch's RemovableHandle), and their run. */
import type { Module } from './module.js';

/** A hook run before `forward` with the module and its arguments; it may return replacement arguments. */
export type ForwardPreHook = (module: Module, input: unknown[]) => unknown;
/** A hook run after `forward` with the module, its arguments and its output; it may return a replacement output. */
export type ForwardHook = (module: Module, input: unknown[], output: unknown) => unknown;

let nextId = 0;

export class RemovableHandle {
  readonly id = nextId++;
  private readonly registry: Map<number, unknown>;

  constructor(registry: Map<number, unknown>) {
    this.registry = registry;
  }

  remove(): void {
    this.registry.delete(this.id);
  }

  [Symbol.dispose](): void {
    this.remove();
  }
}

/** Adds `hook` to `registry` under a new handle, whose `remove()` takes it out again. */
export function addHook<H>(registry: Map<number, H>, hook: H): RemovableHandle {
  const handle = new RemovableHandle(registry);
  registry.set(handle.id, hook);
  return handle;
}

/**
 * `forward` called on `module` as PyTorch's `module(x)` calls it: the pre-hooks first, each able to replace the
 * arguments, then the forward hooks, each able to replace the output.
 */
export function runWithHooks(
  module: Module,
  forward: (...args: unknown[]) => unknown,
  args: unknown[],
  preHooks: ReadonlyMap<number, ForwardPreHook>,
  hooks: ReadonlyMap<number, ForwardHook>,
): unknown {
  let input = args;
  for (const hook of [...preHooks.values()]) {
    const r = hook(module, input);
    if (r !== undefined && r !== null) input = Array.isArray(r) ? r : [r];
  }
  let output = forward.apply(module, input);
  for (const hook of [...hooks.values()]) {
    const r = hook(module, input, output);
    if (r !== undefined && r !== null) output = r;
  }
  return output;
}
