/**
 * `nn.Module`. Parameters, buffers and sub-modules are found from the instance's fields in assignment order:
 * the constructor returns a Proxy whose `defineProperty`/`set` traps see both TypeScript's field definitions
 * (which run after `super()` returns) and plain assignments such as `model.fc = new nn.Linear(512, 100)`, which
 * replaces a sub-module in its place. So `stateDict()` keys and their order are PyTorch's.
 */
import * as torch from '@kindling/core';
import { Tensor } from '@kindling/core';
import { Parameter } from './parameter.js';
import { addHook, runWithHooks, type ForwardHook, type ForwardPreHook, type RemovableHandle } from './hooks.js';
import { assertNoneFor, checkBuffer, checkName, checkParameter, isMemberField } from './module-members.js';
import { distinctChildren, namedTensors, submoduleAt, walkModules, type MemberOptions } from './module-traversal.js';
import { collectStateDict, loadStateDictInto, type LoadResult } from './state-dict.js';
import { moduleRepr } from './repr.js';

/**
 * A method's optional arguments after its first `leading` (`self` and those it requires), in PyTorch's positional
 * order or as one options object.
 */
function memberArgs<O extends object>(
  method: string,
  names: readonly (keyof O & string)[],
  args: readonly unknown[],
  leading = 1,
): O {
  return torch.compat.trailingOptions<O>(`Module.${method}`, names, args, leading, leading);
}

/**
 * The base class of every layer and model (`torch.nn.Module`). Parameters, buffers and sub-modules assigned to fields are registered in assignment order, so state dict keys are PyTorch's.
 *
 * @example
 * ```ts
 * class Net extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   act = new nn.ReLU();
 *   fc2 = new nn.Linear(8, 2);
 *   override forward(x: torch.Tensor): torch.Tensor {
 *     return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
 *   }
 * }
 * const net = new Net();
 * console.log(net);
 * console.log(net.forward(torch.zeros(3, 4)).shape);
 * ```
 * ```text
 * Net(
 *   (fc1): Linear(in_features=4, out_features=8, bias=True)
 *   (act): ReLU()
 *   (fc2): Linear(in_features=8, out_features=2, bias=True)
 * )
 * torch.Size([3, 2])
 * ```
 */
export class Module {
  /** @internal */ _parameters = new Map<string, Parameter | null>();
  /** @internal */ _buffers = new Map<string, Tensor | null>();
  /** @internal */ _nonPersistent = new Set<string>();
  /** @internal */ _modules = new Map<string, Module | null>();
  /** @internal */ _forwardHooks = new Map<number, ForwardHook>();
  /** @internal */ _forwardPreHooks = new Map<number, ForwardPreHook>();
  /** Whether the module is in training mode (set by `train()` and `eval()`). */
  training = true;

  /** Makes an empty module; subclasses call `super()` and assign their layers and parameters to fields. */
  constructor() {
    return new Proxy(this, {
      defineProperty: (target, prop, desc) => {
        if (isMemberField(prop) && 'value' in desc) target.register(prop, desc.value);
        return Reflect.defineProperty(target, prop, desc);
      },
      set: (target, prop, value, receiver) => {
        if (isMemberField(prop)) target.register(prop, value);
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
        return (...args: unknown[]) =>
          target.callWithHooks(receiver as Module, value as (...a: unknown[]) => unknown, args);
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
      assertNoneFor(value, `parameter '${name}' (torch.nn.Parameter or None expected)`);
      this._parameters.set(name, null);
    } else if (this._modules.has(name)) {
      assertNoneFor(value, `child module '${name}' (torch.nn.Module or None expected)`);
      this._modules.set(name, null);
    } else if (this._buffers.has(name)) {
      if (!(value instanceof Tensor)) assertNoneFor(value, `buffer '${name}' (torch.Tensor or None expected)`);
      this._buffers.set(name, value ?? null);
    }
  }

  /** The computation; every subclass defines it. Calling `module.forward(x)` also runs the forward hooks (PyTorch's `module(x)`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subclass declares its own forward signature
  forward(..._args: any[]): any {
    throw new Error(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  private callWithHooks(self: Module, forward: (...a: unknown[]) => unknown, args: unknown[]): unknown {
    return runWithHooks(self, forward, args, this._forwardPreHooks, this._forwardHooks);
  }

  /** Registers a hook run before every `forward` (`register_forward_pre_hook`); `remove()` the handle to undo. */
  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    return addHook(this._forwardPreHooks, hook);
  }

  /**
   * Registers a hook run after every `forward` (`register_forward_hook`); `remove()` the handle to undo.
   *
   * @example
   * ```ts
   * const layer = new nn.ReLU();
   * const handle = layer.registerForwardHook((m, input, output) => console.log('output', output));
   * layer.forward(torch.tensor([-1, 2]));
   * handle.remove();
   * layer.forward(torch.tensor([-1, 2]));
   * ```
   * ```text
   * output tensor([0, 2])
   * ```
   */
  registerForwardHook(hook: ForwardHook): RemovableHandle {
    return addHook(this._forwardHooks, hook);
  }

  /** Adds a parameter (or `null`) under `name` (`register_parameter`); assigning a Parameter to a field does the same. */
  registerParameter(name: string, param: Parameter | null): void {
    checkName(name, this, '_parameters');
    checkParameter(name, param);
    this._parameters.set(name, param);
    Reflect.set(this, name, param);
  }

  /**
   * Adds a buffer: a tensor that is state but not a parameter (running statistics, ...); `persistent: false` keeps it out of the state dict.
   *
   * @example
   * ```ts
   * const m = new nn.Module();
   * m.registerBuffer('steps', torch.tensor(0));
   * m.registerBuffer('cache', torch.zeros(2), { persistent: false });
   * console.log(Object.keys(m.stateDict()), m.buffers().length);
   * ```
   * ```text
   * [ 'steps' ] 2
   * ```
   */
  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    checkName(name, this, '_buffers');
    checkBuffer(name, tensor);
    this._buffers.set(name, tensor);
    if (options.persistent === false) this._nonPersistent.add(name);
    else this._nonPersistent.delete(name);
    Reflect.set(this, name, tensor);
  }

  /** Adds a sub-module (or `null`) under `name` (`register_module`). */
  registerModule(name: string, module: Module | null): void {
    checkName(name, this, '_modules');
    this._modules.set(name, module);
    Reflect.set(this, name, module);
  }

  /** Adds a sub-module (`add_module`), as `registerModule`. */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  // ---- traversal ----
  /** `namedModules()` as a generator: `[name, module]` for this module and every descendant, once each. */
  *namedModulesIter(prefix = '', memo = new Set<Module>()): Generator<[string, Module]> {
    yield* walkModules(this, prefix, memo);
  }

  /**
   * `[name, module]` for this module (named `''`) and every descendant, depth first (`named_modules`).
   *
   * @example
   * ```ts
   * const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
   * console.log(net.namedModules().map(([name, m]) => `${name || '(root)'}: ${m.constructor.name}`));
   * ```
   * ```text
   * [ '(root): Sequential', '0: Linear', '1: ReLU', '2: Linear' ]
   * ```
   */
  namedModules(options: { prefix?: string } = {}): [string, Module][] {
    return [...this.namedModulesIter(options.prefix ?? '')];
  }

  /** This module and every descendant, depth first. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** `[name, module]` for the direct sub-modules (`named_children`). */
  namedChildren(): [string, Module][] {
    return distinctChildren(this);
  }

  /**
   * The direct sub-modules.
   *
   * @example
   * ```ts
   * const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
   * console.log(net.children().length);
   * ```
   * ```text
   * 3
   * ```
   */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** The `[name, tensor]` pairs `pick` gives of this module (and, with `recurse`, its descendants), each once. */
  private namedMembers<T extends Tensor>(
    pick: (m: Module) => Iterable<[string, T | null]>,
    method: string,
    args: readonly unknown[],
  ): [string, T][] {
    return namedTensors(this, pick, memberArgs<MemberOptions>(method, ['prefix', 'recurse'], args));
  }

  /**
   * `[name, parameter]` for every parameter, with dotted names as in the state dict (`named_parameters`).
   *
   * @example
   * ```ts
   * const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
   * for (const [name, p] of net.namedParameters()) console.log(name, p.shape);
   * ```
   * ```text
   * 0.weight torch.Size([8, 4])
   * 0.bias torch.Size([8])
   * 2.weight torch.Size([2, 8])
   * 2.bias torch.Size([2])
   * ```
   */
  namedParameters(prefix?: string | MemberOptions, recurse?: boolean): [string, Parameter][] {
    return this.namedMembers((m) => m._parameters, 'named_parameters', [prefix, recurse]);
  }

  /**
   * Every parameter of this module and its descendants (each once): what an optimizer takes.
   *
   * @example
   * ```ts
   * const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
   * console.log(net.parameters().length);
   * console.log(net.parameters().reduce((n, p) => n + p.numel(), 0));
   * ```
   * ```text
   * 4
   * 58
   * ```
   */
  parameters(recurse?: boolean | Omit<MemberOptions, 'prefix'>): Parameter[] {
    return this.namedParameters(memberArgs<MemberOptions>('parameters', ['recurse'], [recurse])).map(([, p]) => p);
  }

  /**
   * `[name, buffer]` for every buffer (`named_buffers`).
   *
   * @example
   * ```ts
   * const bn = new nn.BatchNorm1d(3);
   * console.log(bn.namedBuffers().map(([name]) => name));
   * ```
   * ```text
   * [ 'running_mean', 'running_var', 'num_batches_tracked' ]
   * ```
   */
  namedBuffers(prefix?: string | MemberOptions, recurse?: boolean): [string, Tensor][] {
    return this.namedMembers((m) => m._buffers, 'named_buffers', [prefix, recurse]);
  }

  /** Every buffer of this module and its descendants (with `recurse` false, this module's own). */
  buffers(recurse?: boolean | Omit<MemberOptions, 'prefix'>): Tensor[] {
    return this.namedBuffers(memberArgs<MemberOptions>('buffers', ['recurse'], [recurse])).map(([, b]) => b);
  }

  /** `model.get_submodule('layer1.0.conv1')`. */
  getSubmodule(target: string): Module {
    return submoduleAt(this, target);
  }

  // ---- modes and bulk operations ----
  /**
   * Sets training mode (`train(false)` is `eval()`) on this module and its descendants; dropout and batch norm behave by it.
   *
   * @example
   * ```ts
   * const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
   * net.eval();
   * console.log(net.training, net.children()[0].training);
   * net.train();
   * console.log(net.training);
   * ```
   * ```text
   * false false
   * true
   * ```
   */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new Error('training mode is expected to be boolean');
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }

  /** Sets evaluation mode (`train(false)`). */
  eval(): this {
    return this.train(false);
  }

  /**
   * Sets `requiresGrad` on every parameter (`requires_grad_`): `false` freezes the module.
   *
   * @example
   * ```ts
   * const layer = new nn.Linear(2, 2).requiresGrad_(false);
   * console.log(layer.parameters().map((p) => p.requiresGrad));
   * ```
   * ```text
   * [ false, false ]
   * ```
   */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Resets gradients: to null by default (PyTorch 2's default), or to zeros with `{ setToNone: false }`.
   *
   * @example
   * ```ts
   * const layer = new nn.Linear(2, 1);
   * layer.forward(torch.ones(1, 2)).sum().backward();
   * console.log(layer.weight.grad);
   * layer.zeroGrad();
   * console.log(layer.weight.grad);
   * ```
   * ```text
   * tensor([[1., 1.]])
   * null
   * ```
   */
  zeroGrad(setToNone?: boolean | { setToNone?: boolean }): void {
    const options = memberArgs<{ setToNone?: boolean }>('zero_grad', ['setToNone'], [setToNone]);
    const toNone = options.setToNone ?? true;
    for (const p of this.parameters()) {
      const current = p.rawGrad;
      if (current === null) continue;
      if (toNone) p.grad = null;
      else {
        const g = current.gradFn ? current.detach() : current;
        g.requiresGrad_(false);
        g.zero_();
        p.grad = g;
      }
    }
  }

  /**
   * Calls `fn` on every descendant and then on this module (children first), as PyTorch's `apply`.
   *
   * @example
   * ```ts
   * const fc = new nn.Linear(2, 3);
   * const net = new nn.Sequential(fc, new nn.ReLU());
   * net.apply((m) => {
   *   if (m instanceof nn.Linear) nn.init.zeros_(m.weight);
   * });
   * console.log(fc.weight);
   * ```
   * ```text
   * Parameter containing:
   * tensor([[0., 0.],
   *         [0., 0.],
   *         [0., 0.]], requires_grad=True)
   * ```
   */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Converts every floating-point parameter and buffer to `dtype` in place (the Parameter objects stay the same).
   * A device leaves the module as it is when it is the CPU, and throws PyTorch's error for any other.
   *
   *
   * @example
   * ```ts
   * const layer = new nn.Linear(2, 2).to('float64');
   * console.log(layer.weight.dtype);
   * ```
   * ```text
   * float64
   * ```
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

  /** Converts floating-point parameters and buffers to float32 in place. */
  float(): this {
    return this.to('float32');
  }

  /** Converts floating-point parameters and buffers to float64 in place. */
  double(): this {
    return this.to('float64');
  }

  /** This module (the CPU is the only device). */
  cpu(): this {
    return this;
  }

  // ---- state dicts ----
  /**
   * The parameters and persistent buffers by dotted name (`state_dict`), detached unless `keepVars`; keys in PyTorch's order.
   *
   * @example
   * ```ts
   * const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
   * const sd = net.stateDict();
   * console.log(Object.keys(sd));
   * console.log(sd['2.weight'].shape);
   * ```
   * ```text
   * [ '0.weight', '0.bias', '2.weight', '2.bias' ]
   * torch.Size([2, 8])
   * ```
   */
  stateDict(options: { prefix?: string; keepVars?: boolean } = {}): Record<string, Tensor> {
    return collectStateDict(this, options.prefix ?? '', options.keepVars ?? false);
  }

  /**
   * Copies values from a state dict into this module's parameters and buffers (`load_state_dict`); `strict` (default) requires the keys to match, and the result lists missing and unexpected keys.
   *
   * @example
   * ```ts
   * const a = new nn.Linear(2, 1);
   * const b = new nn.Linear(2, 1);
   * const result = b.loadStateDict(a.stateDict());
   * console.log(result);
   * console.log(torch.equal(a.weight, b.weight));
   * ```
   * ```text
   * { missingKeys: [], unexpectedKeys: [] }
   * true
   * ```
   */
  loadStateDict(stateDict: Record<string, Tensor>, strict?: boolean | { strict?: boolean }): LoadResult {
    const options = memberArgs<{ strict?: boolean }>('load_state_dict', ['strict'], [strict], 2);
    return loadStateDictInto(this, stateDict, options.strict ?? true);
  }

  // ---- printing ----
  /** The text between the parentheses of this module's line when printed (`extra_repr`); layers override it. */
  extraRepr(): string {
    return '';
  }

  /**
   * The module tree as PyTorch prints it.
   *
   * @example
   * ```ts
   * console.log(`${new nn.Sequential(new nn.Conv2d(1, 8, 3), new nn.ReLU(), new nn.Flatten())}`);
   * ```
   * ```text
   * Sequential(
   *   (0): Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1))
   *   (1): ReLU()
   *   (2): Flatten(start_dim=1, end_dim=-1)
   * )
   * ```
   */
  toString(): string {
    return moduleRepr(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
