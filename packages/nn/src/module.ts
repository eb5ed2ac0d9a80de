/**
 * `nn.Module`. Parameters, buffers and sub-modules are found from the instance's fields in assignment order:
 * the constructor returns a Proxy whose `defineProperty`/`set` traps see both TypeScript's field definitions
 * (which run after `super()` returns) and plain assignments such as `model.fc = new nn.Linear(512, 100)`, which
 * replaces a sub-module in its place. So `stateDict()` keys and their order are PyTorch's.
 */
import * as torch from '@kindling/core';
import { Tensor } from '@kindling/core';
import { Parameter } from './parameter.js';
import { RemovableHandle } from './hooks.js';
import { loadStateDictInto, type LoadResult } from './state-dict.js';
import { moduleRepr } from './repr.js';

export type ForwardPreHook = (module: Module, input: unknown[]) => unknown[] | unknown | void;
export type ForwardHook = (module: Module, input: unknown[], output: unknown) => unknown | void;

const INTERNAL = new Set(['_parameters', '_buffers', '_nonPersistent', '_modules', '_forwardHooks', '_forwardPreHooks', 'training']);

export class Module {
  /** @internal */ _parameters = new Map<string, Parameter | null>();
  /** @internal */ _buffers = new Map<string, Tensor | null>();
  /** @internal */ _nonPersistent = new Set<string>();
  /** @internal */ _modules = new Map<string, Module | null>();
  /** @internal */ _forwardHooks = new Map<number, ForwardHook>();
  /** @internal */ _forwardPreHooks = new Map<number, ForwardPreHook>();
  training = true;

  constructor() {
    return new Proxy(this, {
      defineProperty: (target, prop, desc) => {
        if (typeof prop === 'string' && 'value' in desc && !INTERNAL.has(prop)) target.register(prop, desc.value);
        return Reflect.defineProperty(target, prop, desc);
      },
      set: (target, prop, value, receiver) => {
        if (typeof prop === 'string' && !INTERNAL.has(prop)) target.register(prop, value);
        return Reflect.set(target, prop, value, receiver);
      },
      deleteProperty: (target, prop) => {
        if (typeof prop === 'string') {
          target._parameters.delete(prop);
          target._buffers.delete(prop);
          target._modules.delete(prop);
        }
        return Reflect.deleteProperty(target, prop);
      },
      get: (target, prop, receiver) => {
        // `model.forward(x)` runs the hooks around the subclass's forward, as PyTorch's `model(x)`.
        const value = Reflect.get(target, prop, receiver);
        if (prop !== 'forward' || typeof value !== 'function') return value;
        if (target._forwardHooks.size === 0 && target._forwardPreHooks.size === 0) return value;
        return (...args: unknown[]) => target.callWithHooks(receiver as Module, value as (...a: unknown[]) => unknown, args);
      },
    });
  }

  /** Files a field under parameters, buffers or sub-modules by the type of its value. */
  private register(name: string, value: unknown): void {
    if (value instanceof Parameter) {
      this._buffers.delete(name);
      this._modules.delete(name);
      this._parameters.set(name, value);
    } else if (value instanceof Module) {
      this._parameters.delete(name);
      this._buffers.delete(name);
      this._modules.set(name, value);
    } else if (this._parameters.has(name)) {
      if (value !== null && value !== undefined) {
        throw new TypeError(`cannot assign '${describe(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`);
      }
      this._parameters.set(name, null);
    } else if (this._modules.has(name)) {
      if (value !== null && value !== undefined) {
        throw new TypeError(`cannot assign '${describe(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
      }
      this._modules.set(name, null);
    } else if (this._buffers.has(name)) {
      if (value !== null && value !== undefined && !(value instanceof Tensor)) {
        throw new TypeError(`cannot assign '${describe(value)}' as buffer '${name}' (torch.Tensor or None expected)`);
      }
      this._buffers.set(name, (value as Tensor | null | undefined) ?? null);
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subclass declares its own forward signature
  forward(..._args: any[]): any {
    throw new Error(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  private callWithHooks(self: Module, forward: (...a: unknown[]) => unknown, args: unknown[]): unknown {
    let input = args;
    for (const hook of [...this._forwardPreHooks.values()]) {
      const r = hook(self, input);
      if (r !== undefined && r !== null) input = Array.isArray(r) ? r : [r];
    }
    let output = forward.apply(self, input);
    for (const hook of [...this._forwardHooks.values()]) {
      const r = hook(self, input, output);
      if (r !== undefined && r !== null) output = r;
    }
    return output;
  }

  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    const handle = new RemovableHandle(this._forwardPreHooks);
    this._forwardPreHooks.set(handle.id, hook);
    return handle;
  }

  registerForwardHook(hook: ForwardHook): RemovableHandle {
    const handle = new RemovableHandle(this._forwardHooks);
    this._forwardHooks.set(handle.id, hook);
    return handle;
  }

  registerParameter(name: string, param: Parameter | null): void {
    checkName(name, this, '_parameters');
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(`cannot assign '${describe(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    if (param !== null && !param.isLeaf) {
      throw new Error(`Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly.`);
    }
    this._parameters.set(name, param);
    Reflect.set(this, name, param);
  }

  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    checkName(name, this, '_buffers');
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(`cannot assign '${describe(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
    }
    this._buffers.set(name, tensor);
    if (options.persistent === false) this._nonPersistent.add(name);
    else this._nonPersistent.delete(name);
    Reflect.set(this, name, tensor);
  }

  registerModule(name: string, module: Module | null): void {
    checkName(name, this, '_modules');
    this._modules.set(name, module);
    Reflect.set(this, name, module);
  }

  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  // ---- traversal ----
  *namedModulesIter(prefix = '', memo = new Set<Module>()): Generator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [name, m] of this._modules) if (m) yield* m.namedModulesIter(prefix ? `${prefix}.${name}` : name, memo);
  }

  namedModules(options: { prefix?: string } = {}): [string, Module][] {
    return [...this.namedModulesIter(options.prefix ?? '')];
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [name, m] of this._modules) {
      if (m && !seen.has(m)) {
        seen.add(m);
        out.push([name, m]);
      }
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  private namedMembers<T extends Tensor>(pick: (m: Module) => Iterable<[string, T | null]>, prefix: string, recurse: boolean): [string, T][] {
    const seen = new Set<T>();
    const out: [string, T][] = [];
    const mods: [string, Module][] = recurse ? this.namedModules({ prefix }) : [[prefix, this]];
    for (const [modPrefix, m] of mods) {
      for (const [name, t] of pick(m)) {
        if (!t || seen.has(t)) continue;
        seen.add(t);
        out.push([modPrefix ? `${modPrefix}.${name}` : name, t]);
      }
    }
    return out;
  }

  namedParameters(options: { prefix?: string; recurse?: boolean } = {}): [string, Parameter][] {
    return this.namedMembers((m) => m._parameters, options.prefix ?? '', options.recurse ?? true);
  }

  parameters(options: { recurse?: boolean } = {}): Parameter[] {
    return this.namedParameters(options).map(([, p]) => p);
  }

  namedBuffers(options: { prefix?: string; recurse?: boolean } = {}): [string, Tensor][] {
    return this.namedMembers((m) => m._buffers, options.prefix ?? '', options.recurse ?? true);
  }

  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(options).map(([, b]) => b);
  }

  /** `model.get_submodule('layer1.0.conv1')`. */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let mod: Module = this;
    for (const item of target.split('.')) {
      const next = mod._modules.get(item);
      if (!next) throw new Error(`${mod.constructor.name} has no attribute \`${item}\``);
      mod = next;
    }
    return mod;
  }

  // ---- modes and bulk operations ----
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new Error('training mode is expected to be boolean');
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Resets gradients: to null by default (PyTorch 2's default), or to zeros with `{ setToNone: false }`. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const p of this.parameters()) {
      const current = p.rawGrad;
      if (current === null) continue;
      if (setToNone) p.grad = null;
      else {
        const g = current.gradFn ? current.detach() : current;
        g.requiresGrad_(false);
        g.zero_();
        p.grad = g;
      }
    }
  }

  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Converts every floating-point parameter and buffer to `dtype` in place (the Parameter objects stay the same).
   * A device leaves the module as it is when it is the CPU, and throws PyTorch's error for any other.
   */
  to(dtype: torch.DType | 'cpu' | (string & {})): this {
    if (torch._isCpuDevice(dtype)) return this;
    torch.noGrad(() => {
      for (const t of [...this.parameters(), ...this.buffers()]) {
        if (t.isFloatingPoint()) t.data = t.data.to(dtype);
      }
    });
    return this;
  }

  float(): this {
    return this.to('float32');
  }

  double(): this {
    return this.to('float64');
  }

  cpu(): this {
    return this;
  }

  // ---- state dicts ----
  stateDict(options: { prefix?: string; keepVars?: boolean } = {}): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    const keep = options.keepVars ?? false;
    const visit = (m: Module, prefix: string): void => {
      for (const [name, p] of m._parameters) if (p) out[prefix + name] = keep ? p : p.detach();
      for (const [name, b] of m._buffers) if (b && !m._nonPersistent.has(name)) out[prefix + name] = keep ? b : b.detach();
      for (const [name, c] of m._modules) if (c) visit(c, `${prefix}${name}.`);
    };
    visit(this, options.prefix ?? '');
    return out;
  }

  loadStateDict(stateDict: Record<string, Tensor>, options: { strict?: boolean } = {}): LoadResult {
    return loadStateDictInto(this, stateDict, options.strict ?? true);
  }

  // ---- printing ----
  extraRepr(): string {
    return '';
  }

  toString(): string {
    return moduleRepr(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function describe(value: unknown): string {
  if (value === null) return 'NoneType';
  if (value instanceof Tensor) return 'torch.FloatTensor';
  return typeof value === 'object' ? (value as object).constructor.name : typeof value;
}

function checkName(name: string, module: Module, kind: '_parameters' | '_buffers' | '_modules'): void {
  const label = { _parameters: 'parameter', _buffers: 'buffer', _modules: 'module' }[kind];
  if (typeof name !== 'string') throw new TypeError(`${label} name should be a string. Got ${typeof name}`);
  if (name.includes('.')) throw new Error(`${label} name can't contain "."`);
  if (name === '') throw new Error(`${label} name can't be empty string ""`);
  const existing: unknown = Reflect.get(module, name);
  const taken = existing !== undefined && existing !== null && !module[kind].has(name);
  if (taken) throw new Error(`attribute '${name}' already exists`);
}
