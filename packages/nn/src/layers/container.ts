/** Containers: Sequential, ModuleList, ModuleDict. */
import * as torch from '@kindling/core';
import { Module } from '../module.js';

/** The entries of a module's registry that hold a value (a name registered as None holds null). */
export function present<V>(registry: ReadonlyMap<string, V | null>): [string, V][] {
  return [...registry.entries()].filter((e): e is [string, V] => e[1] !== null);
}

/**
 * What ModuleDict and ParameterDict share: construction from a record of members, and the dict view (`length`,
 * `has`, `keys`, `values`, `entries`, iteration over the keys) of the registry they are filed in, in insertion order.
 */
export abstract class DictContainer<V, In = V> extends Module {
  /** Files each of `members` under its key, in order, as `set` does. */
  constructor(members: Record<string, In> = {}) {
    super();
    for (const [key, member] of Object.entries(members)) this.set(key, member);
  }

  /** The registry the members are filed in. */
  protected abstract registry(): ReadonlyMap<string, V | null>;

  /** `dict[key] = member`. */
  abstract set(key: string, member: In): void;

  /** The number of members. */
  get length(): number {
    return this.registry().size;
  }

  /** `key in dict`. */
  has(key: string): boolean {
    return this.registry().has(key);
  }

  /** The keys, in insertion order. */
  keys(): string[] {
    return [...this.registry().keys()];
  }

  /** The members, in insertion order. */
  values(): V[] {
    return this.entries().map(([, v]) => v);
  }

  /** `[key, member]` pairs, in insertion order (`items()`). */
  entries(): [string, V][] {
    return present(this.registry());
  }

  /** The keys, as iterating a Python dict gives them. */
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
}

function wrapIndex(i: number, n: number, kind: string): number {
  if (!Number.isInteger(i) || i < -n || i >= n)
    throw new RangeError(`index ${i} is out of range`.replace('range', `range for ${kind} of length ${n}`));
  return i < 0 ? i + n : i;
}

/**
 * Modules applied in order; `new Sequential(a, b)` or, with names, `new Sequential({ conv: a, relu: b })`.
 *
 * @example
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU());
 * console.log(model);
 * console.log(model.forward(torch.ones(4, 3)).shape);
 * console.log(model.get(-1));
 * ```
 * ```text
 * Sequential(
 *   (0): Linear(in_features=3, out_features=2, bias=True)
 *   (1): ReLU()
 * )
 * torch.Size([4, 2])
 * ReLU()
 * ```
 */
export class Sequential extends Module {
  /** The modules in order, or one object of them by name. */
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first && !(first instanceof Module)) {
      for (const [name, m] of Object.entries(first)) this.registerModule(name, m);
    } else (modules as Module[]).forEach((m, i) => this.registerModule(String(i), m));
  }

  /** The number of modules (`len(seq)`). */
  get length(): number {
    return this._modules.size;
  }

  /** `seq[i]` (negative counts from the end). */
  get<T extends Module = Module>(index: number): T {
    const list = [...this._modules.values()];
    return list[wrapIndex(index, list.length, 'Sequential')] as T;
  }

  /** Adds a module at the end. */
  append(module: Module): this {
    this.registerModule(String(this._modules.size), module);
    return this;
  }

  /** The modules, in order. */
  [Symbol.iterator](): Iterator<Module> {
    return [...this._modules.values()].filter((m) => m !== null)[Symbol.iterator]();
  }

  /** Feeds `input` through every module in order and returns the last one's output. */
  override forward<T>(input: T): T {
    let x: unknown = input;
    for (const m of this) x = m.forward(x);
    return x as T;
  }
}

/**
 * A list of modules whose parameters are registered; indexable with `get(i)`.
 *
 * @example
 * ```ts
 * const blocks = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2)]);
 * blocks.append(new nn.Linear(2, 1));
 * console.log(blocks.length, blocks.parameters().length);
 * let x = torch.ones(1, 2);
 * for (const block of blocks) x = block.forward(x);
 * console.log(x.shape);
 * ```
 * ```text
 * 3 6
 * torch.Size([1, 1])
 * ```
 */
export class ModuleList extends Module {
  /** Registers the modules in order. */
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  /** The number of modules. */
  get length(): number {
    return this._modules.size;
  }

  /** `list[i]` (negative counts from the end). */
  get<T extends Module = Module>(index: number): T {
    const list = [...this._modules.values()];
    return list[wrapIndex(index, list.length, 'ModuleList')] as T;
  }

  /** `list[i] = module`. */
  set(index: number, module: Module): void {
    const i = wrapIndex(index, this._modules.size, 'ModuleList');
    this.registerModule(String(i), module);
  }

  /** Adds a module at the end. */
  append(module: Module): this {
    this.registerModule(String(this._modules.size), module);
    return this;
  }

  /** Adds the modules at the end, in order. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** The modules, in order. */
  [Symbol.iterator](): Iterator<Module> {
    return [...this._modules.values()].filter((m) => m !== null)[Symbol.iterator]();
  }
}

/**
 * Modules by name, in insertion order.
 *
 * @example
 * ```ts
 * const heads = new nn.ModuleDict({ cls: new nn.Linear(4, 10), box: new nn.Linear(4, 4) });
 * console.log(heads.keys(), heads.has('cls'));
 * console.log(heads.get('box'));
 * ```
 * ```text
 * [ 'cls', 'box' ] true
 * Linear(in_features=4, out_features=4, bias=True)
 * ```
 */
export class ModuleDict extends DictContainer<Module> {
  /** The modules, by key. */
  protected registry(): ReadonlyMap<string, Module | null> {
    return this._modules;
  }

  /** `dict[key]`; throws PyTorch's `KeyError` for a missing key. */
  get<T extends Module = Module>(key: string): T {
    const m = this._modules.get(key);
    if (!m) throw new torch.KeyError(`'${key}'`);
    return m as T;
  }

  /** `dict[key] = module`. */
  set(key: string, module: Module): void {
    this.registerModule(key, module);
  }
}
