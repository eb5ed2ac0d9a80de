/**
 * The Optimizer base: parameter groups with defaults filled in, per-parameter state, `zeroGrad`, and state dicts
 * in PyTorch's structure (`state` keyed by parameter index, `param_groups` holding the indices).
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';

export type HyperValue = number | boolean | null | readonly number[] | string;
export type Hyper = Record<string, HyperValue>;

export interface ParamGroup extends Hyper {
  lr: number;
}

/** What users pass per group: `{ params, lr?, ... }`. */
export type ParamGroupInput = { params: Iterable<Tensor> } & Record<string, HyperValue | Iterable<Tensor>>;

export type Params = Iterable<Tensor> | Iterable<ParamGroupInput>;

/** A parameter's optimizer state: tensors (`momentum_buffer`, `exp_avg`, `step`, ...). */
export type ParamState = Record<string, Tensor | null>;

export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  param_groups: (Hyper & { params: number[] })[];
}

interface Group {
  params: Tensor[];
  options: ParamGroup;
}

function typeName(x: unknown): string {
  if (x instanceof torch.Tensor) return 'torch.FloatTensor';
  return x === null ? 'NoneType' : typeof x === 'object' ? (x as object).constructor.name : typeof x;
}

export abstract class Optimizer<O extends Hyper = Hyper> {
  readonly defaults: O;
  /** Parameter groups; each option object (e.g. `lr`) is mutable, which is how schedulers work. */
  readonly paramGroups: (ParamGroup & O & { params: Tensor[] })[] = [];
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: Params, defaults: O) {
    this.defaults = defaults;
    if (params instanceof torch.Tensor) {
      throw new TypeError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${typeName(params)}`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput>)];
    if (list.length === 0) throw new Error('optimizer got an empty parameter list');
    const groups: ParamGroupInput[] = list[0] instanceof torch.Tensor ? [{ params: list as Tensor[] }] : (list as ParamGroupInput[]);
    for (const g of groups) this.addParamGroup(g);
  }

  addParamGroup(group: ParamGroupInput): void {
    if (typeof group !== 'object' || group === null) throw new TypeError('param group must be a dict');
    const raw = group.params;
    const params = raw instanceof torch.Tensor ? [raw] : [...(raw as Iterable<Tensor>)];
    for (const p of params) {
      if (!(p instanceof torch.Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typeName(p)}`);
      if (!p.isLeaf) throw new Error("can't optimize a non-leaf Tensor");
    }
    const options: Record<string, HyperValue | Tensor[]> = { params };
    for (const [k, v] of Object.entries(group)) if (k !== 'params') options[k] = v as HyperValue;
    for (const [k, v] of Object.entries(this.defaults)) {
      if (!(k in options)) {
        if (v === undefined) throw new Error(`parameter group didn't specify a value of required optimization parameter ${k}`);
        options[k] = v;
      }
    }
    if (new Set(params).size !== params.length) {
      console.warn('UserWarning: optimizer contains a parameter group with duplicate parameters; in future, this will cause an error');
    }
    const existing = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => existing.has(p))) throw new Error('some parameters appear in more than one parameter group');
    this.paramGroups.push(options as ParamGroup & O & { params: Tensor[] });
  }

  /** Sets gradients to null (the default) or to zero. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else {
          if (p.grad.gradFn) p.grad = p.grad.detach();
          else p.grad.requiresGrad_(false);
          p.grad.zero_();
        }
      }
    }
  }

  /** One update of every parameter that has a gradient. */
  step(closure?: () => Tensor): Tensor | null {
    const loss = closure ? torch.enableGrad(closure) : null;
    torch.noGrad(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    });
    return loss;
  }

  protected abstract updateGroup(group: ParamGroup & O & { params: Tensor[] }): void;

  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let next = 0;
    const param_groups = this.paramGroups.map((g) => {
      const packed: Hyper & { params: number[] } = { params: [] };
      for (const [k, v] of Object.entries(g)) if (k !== 'params') packed[k] = v as HyperValue;
      packed.params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, next++);
        return index.get(p) as number;
      });
      return packed;
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, param_groups };
  }

  /** Restores groups' options and per-parameter state (tensors are copied, so the dict can be reused). */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const saved = stateDict.param_groups;
    if (saved.length !== this.paramGroups.length) throw new Error('loaded state dict has a different number of parameter groups');
    saved.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i].params.length) {
        throw new Error("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
    });
    const byIndex = new Map<number, Tensor>();
    saved.forEach((g, i) => g.params.forEach((id, j) => byIndex.set(id, this.paramGroups[i].params[j])));
    this.state.clear();
    for (const [key, s] of Object.entries(stateDict.state)) {
      const p = byIndex.get(Number(key));
      if (!p) continue;
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        // As PyTorch: floating state follows the parameter's dtype, except `step`.
        copy[k] = v === null ? null : k !== 'step' && v.isFloatingPoint() ? v.to(p.dtype, { copy: true }) : v.clone();
      }
      this.state.set(p, copy);
    }
    saved.forEach((g, i) => {
      const target = this.paramGroups[i] as Record<string, unknown>;
      for (const [k, v] of Object.entries(g)) if (k !== 'params') target[k] = v;
    });
  }
}

/** Validates an option with PyTorch's message, e.g. `Invalid learning rate: -1`. */
export function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}
