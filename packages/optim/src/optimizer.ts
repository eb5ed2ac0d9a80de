/**
 * The Optimizer base: parameter groups with defaults filled in, per-parameter state, `zeroGrad`, and state dicts
 * in PyTorch's structure (`state` keyed by parameter index, `param_groups` holding the indices, PyTorch's key names).
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { pyStr, pyTypeName, typeName } from './python.js';

/** A value an optimizer option may take. */
export type HyperValue = number | boolean | null | readonly number[] | string;
/** An optimizer's options by name. */
export type Hyper = Record<string, HyperValue>;

/** A parameter group's options: at least the learning rate. */
export interface ParamGroup extends Hyper {
  /** The learning rate of this group (what LR schedulers set). */
  lr: number;
}

/** What users pass per group: `{ params, lr?, ... }`. */
export type ParamGroupInput = { params: Iterable<Tensor> | Tensor } & Record<
  string,
  HyperValue | Iterable<Tensor> | Tensor | undefined
>;

/** What an optimizer takes: parameters, or parameter groups `{ params, ...options }`. */
export type Params = Iterable<Tensor> | Iterable<ParamGroupInput>;

/** One entry of a parameter's optimizer state: a tensor, a plain number, null, or a list of these (LBFGS's history). */
export type StateValue = Tensor | number | null | readonly (Tensor | number | null)[];

/** Whether a state entry is a list (`Array.isArray` does not narrow a readonly array type). */
export function isStateList(v: StateValue): v is readonly (Tensor | number | null)[] {
  return Array.isArray(v);
}

/** A parameter's optimizer state: tensors (`momentum_buffer`, `exp_avg`, `step`, ...), plain numbers (RMSprop's `step`), null, or lists (LBFGS's `old_dirs`). */
export type ParamState = Record<string, StateValue>;

/** An optimizer's state dict, in PyTorch's structure. */
export interface OptimizerStateDict {
  /** Each parameter's state, keyed by the parameter's index across the groups. */
  state: Record<number, ParamState>;
  /** Each group's options (PyTorch's names), with `params` as indices. */
  param_groups: (Hyper & { params: number[] })[];
}

/** A parameter group as the optimizer holds it: every option filled in, `params` an array. */
export type Group<O extends Hyper = Hyper> = ParamGroup & O & { params: Tensor[] };

/**
 * Option names that PyTorch spells with underscores. Groups use the camelCase names; state dicts use PyTorch's,
 * so they have PyTorch's structure key for key. Any other key passes through unchanged.
 */
const STATE_DICT_KEYS: Record<string, string> = {
  weightDecay: 'weight_decay',
  lrDecay: 'lr_decay',
  initialAccumulatorValue: 'initial_accumulator_value',
  momentumDecay: 'momentum_decay',
  stepSizes: 'step_sizes',
  maxIter: 'max_iter',
  maxEval: 'max_eval',
  toleranceGrad: 'tolerance_grad',
  toleranceChange: 'tolerance_change',
  historySize: 'history_size',
  lineSearchFn: 'line_search_fn',
  initialLr: 'initial_lr',
  maxLr: 'max_lr',
  minLr: 'min_lr',
  maxMomentum: 'max_momentum',
  baseMomentum: 'base_momentum',
};
const FROM_STATE_DICT_KEYS: Record<string, string> = Object.fromEntries(
  Object.entries(STATE_DICT_KEYS).map(([k, v]) => [v, k]),
);

function copyValue(v: HyperValue): HyperValue {
  return Array.isArray(v) ? [...(v as number[])] : v;
}

let warnedDuplicates = false;

/** A state entry an update needs: PyTorch's KeyError when a loaded state dict lacks it. */
export function required<T>(value: T | undefined, key: string): T {
  if (value === undefined) throw new torch.KeyError(`'${key}'`);
  return value;
}

/**
 * The base of every optimizer (`torch.optim.Optimizer`): parameter groups, per-parameter state, `zeroGrad`, `step` and state dicts. A subclass implements `updateGroup`.
 *
 * @example
 * ```ts
 * import { SGD } from '@kindling/optim';
 *
 * const model = new nn.Linear(2, 1);
 * const opt = new SGD([
 *   { params: [model.weight] },
 *   { params: [model.bias!], lr: 0.01 },
 * ], { lr: 0.1 });
 * console.log(opt.paramGroups.map((g) => g.lr));
 * console.log(opt.defaults.momentum);
 * ```
 * ```text
 * [ 0.1, 0.01 ]
 * 0
 * ```
 */
export abstract class Optimizer<O extends Hyper = Hyper, S extends ParamState = ParamState> {
  /** The options given to the constructor, with defaults filled in; groups that leave an option out take it from here. */
  readonly defaults: O;
  /** Parameter groups; each group's options (e.g. `lr`) are mutable, which is how schedulers work. */
  readonly paramGroups: Group<O>[] = [];
  /** Each parameter's state, in the optimizer's own shape (`Adam`: `{ step, exp_avg, exp_avg_sq }`). */
  readonly state = new Map<Tensor, S>();

  /** `defaults` lists every option in PyTorch's order; a value of `undefined` marks a required one (SGD's `lr`). */
  constructor(params: Params, defaults: O) {
    this.defaults = defaults;
    const lr = (defaults as { lr?: unknown }).lr;
    if (lr !== undefined && typeof lr !== 'number' && !(lr instanceof torch.Tensor)) {
      // Python's error from the `0.0 <= lr` check every optimizer makes.
      throw new torch.TorchTypeError(`'<' not supported between instances of '${pyTypeName(lr)}' and 'float'`);
    }
    if (params instanceof torch.Tensor) {
      throw new torch.TorchTypeError(
        `params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${typeName(params)}`,
      );
    }
    if (
      params === null ||
      params === undefined ||
      typeof (params as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function'
    ) {
      throw new torch.TorchTypeError(`'${pyTypeName(params)}' object is not iterable`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput>)];
    if (list.length === 0) throw new torch.ValueError('optimizer got an empty parameter list');
    const groups = isGroup(list[0]) ? (list as ParamGroupInput[]) : [{ params: list as Tensor[] }];
    for (const g of groups) this.addParamGroup(g);
  }

  /**
   * Adds a group (e.g. layers unfrozen during fine-tuning); options it leaves out come from the defaults.
   *
   * @example
   * ```ts
   * import { SGD } from '@kindling/optim';
   *
   * const a = torch.zeros(2, { requiresGrad: true });
   * const b = torch.zeros(2, { requiresGrad: true });
   * const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
   * opt.addParamGroup({ params: [b], lr: 0.01 });
   * console.log(opt.paramGroups.length, opt.paramGroups[1].lr, opt.paramGroups[1].momentum);
   * ```
   * ```text
   * 2 0.01 0.9
   * ```
   */
  addParamGroup(group: ParamGroupInput): void {
    if (typeof group !== 'object' || group === null) throw new torch.TorchTypeError('param group must be a dict');
    const raw = group.params;
    const params: unknown[] = raw instanceof torch.Tensor ? [raw] : [...(raw as Iterable<unknown>)];
    for (const p of params) {
      if (!(p instanceof torch.Tensor)) {
        throw new torch.TorchTypeError(`optimizer can only optimize Tensors, but one of the params is ${typeName(p)}`);
      }
      if (!(p.isLeaf || p.retainsGrad)) throw new torch.ValueError("can't optimize a non-leaf Tensor");
    }
    const tensors = params as Tensor[];
    const options: Record<string, HyperValue | Tensor[]> = { params: tensors };
    for (const k of Object.keys(group)) {
      // A group may hold keys of its own, but one of the options in Python's spelling would be silently inert.
      const camel = torch.compat.camelCaseOf(k);
      if (camel !== null && camel in this.defaults)
        throw new torch.TorchTypeError(`param group key '${k}': Kindling spells it '${camel}'`);
    }
    for (const [k, v] of Object.entries(group))
      if (k !== 'params' && v !== undefined) options[k] = copyValue(v as HyperValue);
    for (const [k, v] of Object.entries(this.defaults)) {
      if (k in options) continue;
      if (v === undefined)
        throw new torch.ValueError(`parameter group didn't specify a value of required optimization parameter ${k}`);
      options[k] = copyValue(v);
    }
    if (new Set(tensors).size !== tensors.length && !warnedDuplicates) {
      warnedDuplicates = true;
      console.warn(
        'UserWarning: optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information',
      );
    }
    const existing = new Set(this.paramGroups.flatMap((g) => g.params));
    if (tensors.some((p) => existing.has(p)))
      throw new torch.ValueError('some parameters appear in more than one parameter group');
    this.paramGroups.push(options as Group<O>);
  }

  /**
   * Sets gradients to null (the default, as PyTorch 2.x) or, with `setToNone: false`, to zero.
   *
   * @example
   * ```ts
   * import { SGD } from '@kindling/optim';
   *
   * const w = torch.ones(2, { requiresGrad: true });
   * const opt = new SGD([w], { lr: 0.1 });
   * w.sum().backward();
   * console.log(w.grad);
   * opt.zeroGrad();
   * console.log(w.grad);
   * ```
   * ```text
   * tensor([1., 1.])
   * null
   * ```
   */
  zeroGrad(setToNone?: boolean | { setToNone?: boolean }): void {
    // PyTorch's positional order, zero_grad(set_to_none), or the options object.
    const options = torch.compat.trailingOptions<{ setToNone?: boolean }>(
      'Optimizer.zero_grad',
      ['setToNone'],
      [setToNone],
      1,
      1,
    );
    const toNone = options.setToNone ?? true;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.rawGrad;
        if (g === null) continue;
        if (toNone) p.grad = null;
        else {
          if (g.gradFn) g.detach_();
          else g.requiresGrad_(false);
          g.zero_();
        }
      }
    }
  }

  /**
   * One update of every parameter that has a gradient; `closure` re-evaluates the model and returns the loss.
   *
   * @example
   * ```ts
   * import { SGD } from '@kindling/optim';
   *
   * const w = torch.tensor([3], { requiresGrad: true });
   * const opt = new SGD([w], { lr: 0.25 });
   * const loss = opt.step(() => {
   *   opt.zeroGrad();
   *   const l = w.pow(2).sum();
   *   l.backward();
   *   return l;
   * });
   * console.log(loss, w);
   * ```
   * ```text
   * tensor(9., grad_fn=<SumBackward0>) tensor([1.5000], requires_grad=True)
   * ```
   */
  step(closure?: () => Tensor): Tensor | null {
    const loss = closure ? torch.enableGrad(closure) : null;
    torch.noGrad(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    });
    return loss;
  }

  /** One group's update, under `noGrad`: what each optimizer implements. */
  protected abstract updateGroup(group: Group<O>): void;

  /** The state of `p`: `init()` while it has none (PyTorch's `if len(state) == 0:` before a parameter's first step). */
  protected stateOf(p: Tensor, init: () => S): S {
    let s = this.state.get(p);
    if (s === undefined || Object.keys(s).length === 0) {
      s = init();
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * `{ state, param_groups }` as PyTorch returns it: parameters replaced by their index in group order, option names
   * spelled as PyTorch spells them (`weight_decay`, `initial_lr`). State tensors are shared, not copied.
   *
   *
   * @example
   * ```ts
   * import { SGD } from '@kindling/optim';
   *
   * const w = torch.ones(2, { requiresGrad: true });
   * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
   * w.sum().backward();
   * opt.step();
   * const sd = opt.stateDict();
   * console.log(sd.state);
   * console.log(sd.param_groups);
   * ```
   * ```text
   * { '0': { momentum_buffer: tensor([1., 1.]) } }
   * [
   *   {
   *     lr: 0.1,
   *     momentum: 0.9,
   *     dampening: 0,
   *     weight_decay: 0,
   *     nesterov: false,
   *     maximize: false,
   *     foreach: null,
   *     differentiable: false,
   *     params: [ 0 ]
   *   }
   * ]
   * ```
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let start = 0;
    const param_groups = this.paramGroups.map((g) => {
      const packed: Hyper = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') packed[STATE_DICT_KEYS[k] ?? k] = copyValue(v);
      g.params.forEach((p, i) => {
        if (!index.has(p)) index.set(p, start + i);
      });
      start += g.params.length;
      return Object.assign(packed, { params: g.params.map((p) => index.get(p) as number) });
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, param_groups };
  }

  /**
   * Restores per-parameter state and every group's options from `stateDict` (a dict from `stateDict()`, or PyTorch's
   * with the same structure). The dict is not aliased: tensors are copied, floating state cast to its parameter's dtype
   * (except `step`), as PyTorch does.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const groups = this.paramGroups;
    const saved = stateDict.param_groups;
    if (groups.length !== saved.length)
      throw new torch.ValueError('loaded state dict has a different number of parameter groups');
    if (groups.some((g, i) => g.params.length !== saved[i].params.length)) {
      throw new torch.ValueError(
        "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
      );
    }
    const idMap = new Map<number, Tensor>();
    saved.forEach((g, i) => g.params.forEach((id, j) => idMap.set(id, groups[i].params[j])));

    const state = new Map<Tensor, S>();
    for (const [key, s] of Object.entries(stateDict.state)) {
      // State saved for an index with no parameter (PyTorch keeps it under the index) has nowhere to go here.
      const p = idMap.get(Number(key));
      if (!p) continue;
      const copy: ParamState = {};
      const copied = (v: Tensor | number | null, k: string): Tensor | number | null =>
        v instanceof torch.Tensor
          ? k !== 'step' && p.isFloatingPoint()
            ? v.to(p.dtype, { copy: true })
            : v.clone()
          : v;
      for (const [k, v] of Object.entries(s)) copy[k] = isStateList(v) ? v.map((e) => copied(e, k)) : copied(v, k);
      // The dict's entries are the optimizer's own keys (PyTorch's); the update checks the ones it needs.
      state.set(p, copy as S);
    }
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);

    saved.forEach((g, i) => {
      const target = groups[i] as Record<string, unknown>;
      for (const k of Object.keys(target)) if (k !== 'params') delete target[k];
      for (const [k, v] of Object.entries(g)) if (k !== 'params') target[FROM_STATE_DICT_KEYS[k] ?? k] = copyValue(v);
      // Options a checkpoint from an older version lacks get their defaults, as each optimizer's __setstate__ does.
      for (const [k, v] of Object.entries(this.defaults))
        if (!(k in target) && v !== undefined) target[k] = copyValue(v);
    });
  }
}

function isGroup(x: unknown): x is ParamGroupInput {
  return typeof x === 'object' && x !== null && !(x instanceof torch.Tensor) && 'params' in x;
}

/** Validates an option with PyTorch's message, e.g. `Invalid learning rate: -1.0`; numbers are shown as Python shows floats. */
export function check(ok: boolean, message: string, value?: unknown): void {
  if (!ok) throw new torch.ValueError(value === undefined ? message : `${message}${pyStr(value)}`);
}
