/** Containers: Sequential, ModuleList, ModuleDict. */
import * as torch from '@kindling/core';
import { Module } from '../module.js';

function wrapIndex(i: number, n: number, kind: string): number {
  if (!Number.isInteger(i) || i < -n || i >= n) throw new RangeError(`index ${i} is out of range`.replace('range', `range for ${kind} of length ${n}`));
  return i < 0 ? i + n : i;
}

/** Modules applied in order; `new Sequential(a, b)` or, with names, `new Sequential({ conv: a, relu: b })`. */
export class Sequential extends Module {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first && !(first instanceof Module)) {
      for (const [name, m] of Object.entries(first)) this.registerModule(name, m);
    } else (modules as Module[]).forEach((m, i) => this.registerModule(String(i), m));
  }

  get length(): number {
    return this._modules.size;
  }

  /** `seq[i]` (negative counts from the end). */
  get<T extends Module = Module>(index: number): T {
    const list = [...this._modules.values()];
    return list[wrapIndex(index, list.length, 'Sequential')] as T;
  }

  append(module: Module): this {
    this.registerModule(String(this._modules.size), module);
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return ([...this._modules.values()].filter((m) => m !== null) as Module[])[Symbol.iterator]();
  }

  override forward<T>(input: T): T {
    let x: unknown = input;
    for (const m of this) x = m.forward(x);
    return x as T;
  }
}

/** A list of modules whose parameters are registered; indexable with `get(i)`. */
export class ModuleList extends Module {
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  get length(): number {
    return this._modules.size;
  }

  get<T extends Module = Module>(index: number): T {
    const list = [...this._modules.values()];
    return list[wrapIndex(index, list.length, 'ModuleList')] as T;
  }

  set(index: number, module: Module): void {
    const i = wrapIndex(index, this._modules.size, 'ModuleList');
    this.registerModule(String(i), module);
  }

  append(module: Module): this {
    this.registerModule(String(this._modules.size), module);
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return ([...this._modules.values()].filter((m) => m !== null) as Module[])[Symbol.iterator]();
  }
}

/** Modules by name, in insertion order. */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.registerModule(k, m);
  }

  get length(): number {
    return this._modules.size;
  }

  get<T extends Module = Module>(key: string): T {
    const m = this._modules.get(key);
    if (!m) throw new torch.KeyError(`'${key}'`);
    return m as T;
  }

  set(key: string, module: Module): void {
    this.registerModule(key, module);
  }

  has(key: string): boolean {
    return this._modules.has(key);
  }

  keys(): string[] {
    return [...this._modules.keys()];
  }

  values(): Module[] {
    return [...this._modules.values()].filter((m): m is Module => m !== null);
  }

  entries(): [string, Module][] {
    return [...this._modules.entries()].filter((e): e is [string, Module] => e[1] !== null);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
}
