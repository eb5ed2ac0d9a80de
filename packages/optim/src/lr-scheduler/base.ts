/**
 * `LRScheduler`, PyTorch's `_LRScheduler`: stores `initialLr` in each parameter group (or requires it when resuming
 * with `lastEpoch`), keeps `baseLrs` and `lastEpoch`, steps once on construction, and on each `step()` writes
 * `getLr()` into the groups. `step(epoch)` is PyTorch's deprecated path: it jumps to `epoch` and uses the scheduler's
 * closed form where it has one.
 *
 * In TypeScript a subclass's fields exist only after `super()` returns, so the base constructor does not take the
 * initial step as PyTorch's does: a subclass sets its fields and then calls `this.initialStep()`.
 *
 *   class WarmupLR extends LRScheduler {
 *     constructor(optimizer: Optimizer, readonly warmup: number) { super(optimizer); this.initialStep(); }
 *     override getLr(): number[] { return this.baseLrs.map((lr) => lr * Math.min(1, (this.lastEpoch + 1) / this.warmup)); }
 *   }
 */
import * as torch from '@kindling/core';
import { Optimizer, type Group } from '../optimizer.js';
import { formatE4, KeyError, pyTypeName } from '../python.js';

/** The options every epoch-based scheduler takes. */
export interface SchedulerOptions {
  /** The index of the last epoch; -1 (the default) starts the schedule, anything else resumes it. */
  lastEpoch?: number;
  /** Print each change of learning rate. */
  verbose?: boolean;
}

/** A scheduler's state: every field but the optimizer (and, for lambdas, what can be saved of them). */
export type SchedulerStateDict = Record<string, unknown>;

// ---- the count of optimizer steps, for PyTorch's warning about calling the two in the wrong order ----
const optimizerSteps = new WeakMap<Optimizer, { count: number }>();

function countOptimizerSteps(optimizer: Optimizer): void {
  if (optimizerSteps.has(optimizer)) return;
  const counter = { count: 0 };
  optimizerSteps.set(optimizer, counter);
  const step = optimizer.step.bind(optimizer);
  optimizer.step = (closure) => {
    counter.count += 1;
    return step(closure);
  };
}

const ORDER_WARNING =
  'Detected call of `lr_scheduler.step()` before `optimizer.step()`. You should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`. Failure to do this will result in skipping the first value of the learning rate schedule.';
export const EPOCH_DEPRECATION_WARNING =
  'The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is given, the closed form is used instead of the chainable form, where available.';

/** A deep copy of the plain data a scheduler holds (numbers, strings, arrays, plain objects). */
export function copyPlain<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x: unknown) => copyPlain(x)) as T;
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyPlain(x)])) as T;
  }
  return v;
}

/** Scheduler fields whose state-dict key is not simply their snake_case name (PyTorch keeps them private, or spells them T_). */
const PYTORCH_KEYS: Readonly<Record<string, string>> = {
  stepCount: '_step_count',
  lastLr: '_last_lr',
  getLrCalledWithinStep: '_get_lr_called_within_step',
  schedulePhases: '_schedule_phases',
  schedulers: '_schedulers',
  TMax: 'T_max',
  T0: 'T_0',
  Ti: 'T_i',
  TMult: 'T_mult',
  TCur: 'T_cur',
};

/** A scheduler field's key in PyTorch's state dict: `lastEpoch` → `last_epoch`, `stepCount` → `_step_count`. */
export function stateKey(field: string): string {
  return PYTORCH_KEYS[field] ?? snake(field);
}

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** OneCycleLR's phases name group options (`initialLr`): PyTorch's phases use its names, keys and values alike. */
function phasesTo(phases: unknown, rename: (name: string) => string): unknown {
  if (!Array.isArray(phases)) return phases;
  return phases.map((phase: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(phase).map(([k, v]) => [rename(k), typeof v === 'string' ? rename(v) : v])),
  );
}

/** The scheduler's fields except the optimizer and `skip`, deep-copied, under PyTorch's keys. */
export function fieldsToState(scheduler: object, skip: readonly string[] = []): SchedulerStateDict {
  const own: SchedulerStateDict = {};
  const base: SchedulerStateDict = {};
  for (const [k, v] of Object.entries(scheduler)) {
    if (k === 'optimizer' || skip.includes(k)) continue;
    const key = stateKey(k);
    (BASE_STATE_KEYS.includes(key) ? base : own)[key] = k === 'schedulePhases' ? phasesTo(v, snake) : copyPlain(v);
  }
  // PyTorch's order: a subclass sets its own attributes before calling the base class's __init__, which sets these.
  for (const key of BASE_STATE_KEYS) if (key in base) own[key] = base[key];
  return own;
}

/** LRScheduler's own entries of a state dict, in the order PyTorch 1.13's `__init__` creates them. */
const BASE_STATE_KEYS: readonly string[] = [
  'base_lrs',
  'last_epoch',
  'verbose',
  '_step_count',
  '_get_lr_called_within_step',
  '_last_lr',
];

/**
 * Sets the scheduler's fields (except the optimizer and `skip`) from a state dict with PyTorch's keys, or with the
 * field names themselves, as Kindling wrote them before.
 */
export function stateToFields(scheduler: object, stateDict: SchedulerStateDict, skip: readonly string[] = []): void {
  const target = scheduler as Record<string, unknown>;
  for (const k of Object.keys(scheduler)) {
    if (k === 'optimizer' || skip.includes(k)) continue;
    const key = stateKey(k) in stateDict ? stateKey(k) : k in stateDict ? k : null;
    if (key === null) continue;
    target[k] = k === 'schedulePhases' ? phasesTo(stateDict[key], camel) : copyPlain(stateDict[key]);
  }
}

/** `epoch` as PyTorch's verbose output writes it: `%.5d` for integers, `%.2f` otherwise. */
export function epochString(epoch: number): string {
  if (!Number.isInteger(epoch)) return epoch.toFixed(2);
  return (epoch < 0 ? '-' : '') + String(Math.abs(epoch)).padStart(5, '0');
}

export function checkOptimizer(optimizer: unknown): asserts optimizer is Optimizer {
  if (!(optimizer instanceof Optimizer)) throw new torch.TorchTypeError(`${pyTypeName(optimizer)} is not an Optimizer`);
}

/** Whether a scheduler's first optional argument was given positionally (a number). */
export const isNumber = (x: unknown): boolean => typeof x === 'number';

/** Whether a scheduler's first argument was given positionally (a number, or a list of one per group). */
export const isNumberOrList = (x: unknown): boolean => isNumber(x) || Array.isArray(x);

/**
 * The first argument positionally or in the options object (`new StepLR(opt, 30)` / `new StepLR(opt, { stepSize: 30 })`),
 * and, after a positional one, the rest in PyTorch's order (`names`) and/or an options object (python-args.ts).
 */
export function withPositional<O extends object>(
  cls: string,
  names: readonly (keyof O & string)[],
  first: unknown,
  rest: readonly unknown[],
  isPositional: (x: unknown) => boolean,
  /** Whether the first of `names` has no default (ReduceLROnPlateau's `mode` has one). */
  required = true,
): O {
  if (first === undefined || !isPositional(first)) {
    if (rest.length > 0) throw new torch.TorchTypeError(`${cls}: nothing may follow the options object`);
    if (first !== undefined && first !== null) torch.compat.checkCamelCaseKeys(`${cls}.__init__()`, first);
    return { ...(first as O | undefined) } as O;
  }
  return torch.compat.pythonArgs<O>(cls, names, [first, ...rest], required ? 1 : 0);
}

/** PyTorch's (Python's) error for a required argument that was not given. */
export function required<T>(cls: string, key: string, value: T | undefined): T {
  if (value === undefined)
    throw new torch.TorchTypeError(`${cls}.__init__() missing 1 required positional argument: '${key}'`);
  return value;
}

/** The options every epoch-based scheduler takes, last in its PyTorch signature, after its own. */
const SCHEDULER_POSITIONAL = ['lastEpoch', 'verbose'] as const;

/**
 * The options of a scheduler whose arguments all have defaults, given positionally in PyTorch's order (`names`, the
 * scheduler's own, then `lastEpoch` and `verbose`) and/or as an options object (python-args.ts).
 */
export function schedulerOptions<O extends SchedulerOptions>(
  cls: string,
  names: readonly (keyof O & string)[],
  args: readonly unknown[],
): O {
  return torch.compat.pythonArgs<O>(cls, [...names, ...SCHEDULER_POSITIONAL], args);
}

/**
 * `withPositional` for a scheduler whose first argument (`names[0]`) has no default, `names` its own arguments
 * (`lastEpoch` and `verbose` follow them): PyTorch's TypeError when that argument was given neither way, naming it
 * `missing` (the option's own name unless stated).
 */
export function withRequiredFirst<O extends SchedulerOptions, K extends keyof O & string>(
  cls: string,
  names: readonly [K, ...(keyof O & string)[]],
  first: unknown,
  rest: readonly unknown[],
  isPositional: (x: unknown) => boolean,
  missing: string = names[0],
): O & Required<Pick<O, K>> {
  const options = withPositional<O>(cls, [...names, ...SCHEDULER_POSITIONAL], first, rest, isPositional);
  required(cls, missing, options[names[0]]);
  return options as O & Required<Pick<O, K>>;
}

/** The base of the epoch-based schedulers (`torch.optim.lr_scheduler.LRScheduler`): each `step()` advances `lastEpoch` and writes the new rates into the optimizer's groups. A subclass implements `getLr()`. */
export abstract class LRScheduler {
  /** The optimizer whose learning rates this scheduler sets. */
  optimizer: Optimizer;
  /** Each group's `initialLr`: where the schedule starts. */
  baseLrs: number[];
  /** The index of the current epoch (`last_epoch`): 0 after construction, one more after each `step()`. */
  lastEpoch: number;
  /** Whether each change of learning rate is printed. */
  verbose: boolean;
  /** How many times `step()` has run (`_step_count`). */
  protected stepCount = 0;
  /** The rates the last step set (`_last_lr`). */
  protected lastLr: number[] = [];
  /** Whether `getLr()` is running inside `step()` (`_get_lr_called_within_step`). */
  protected getLrCalledWithinStep = false;

  /** Attaches to `optimizer`, recording each group's `initialLr` (a subclass then takes the first step). */
  constructor(optimizer: Optimizer, lastEpoch = -1, verbose = false) {
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const group of optimizer.paramGroups) if (!('initialLr' in group)) group.initialLr = group.lr;
    } else {
      optimizer.paramGroups.forEach((group, i) => {
        if (!('initialLr' in group))
          throw new KeyError(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.baseLrs = optimizer.paramGroups.map((group) => group.initialLr as number);
    this.lastEpoch = lastEpoch;
    countOptimizerSteps(optimizer);
    this.verbose = verbose;
  }

  /** Resets the step counts and takes the first step (the end of PyTorch's constructor). */
  initialStep(): void {
    const counter = optimizerSteps.get(this.optimizer);
    if (counter) counter.count = 0;
    this.stepCount = 0;
    this.step();
  }

  /**
   * The learning rates the last step set, one per group.
   *
   * @example
   * ```ts
   * import { SGD, lrScheduler } from '@kindling/optim';
   *
   * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 0.1 });
   * const scheduler = new lrScheduler.StepLR(opt, 2, { gamma: 0.5 });
   * const lrs: number[] = [];
   * for (let epoch = 0; epoch < 6; epoch++) {
   *   lrs.push(scheduler.getLastLr()[0]);
   *   opt.step();
   *   scheduler.step();
   * }
   * console.log(lrs);
   * ```
   * ```text
   * [ 0.1, 0.1, 0.05, 0.05, 0.025, 0.025 ]
   * ```
   */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The learning rates for `lastEpoch`, computed from the current ones (the chainable form). */
  abstract getLr(): number[];

  /** The learning rates for `lastEpoch` straight from `baseLrs`, where the schedule has such a form. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** Warns, once, that `getLr()` was called outside `step()` (use `getLastLr()`). */
  protected warnIfOutsideStep(): void {
    if (!this.getLrCalledWithinStep)
      torch.warnOnce('To get the last learning rate computed by the scheduler, please use `getLastLr()`.');
  }

  /** The optimizer's parameter groups. */
  protected get groups(): Group[] {
    return this.optimizer.paramGroups;
  }

  /** Prints a change of a group's learning rate as PyTorch does, when `isVerbose`. */
  printLr(isVerbose: boolean, group: number, lr: number, epoch?: number): void {
    if (!isVerbose) return;
    if (epoch === undefined) console.log(`Adjusting learning rate of group ${group} to ${formatE4(lr)}.`);
    else console.log(`Epoch ${epochString(epoch)}: adjusting learning rate of group ${group} to ${formatE4(lr)}.`);
  }

  /** Advances the schedule by one (or, deprecated, jumps to `epoch`) and writes the new rates into the groups. */
  step(epoch?: number): void {
    if (this.stepCount === 1 && (optimizerSteps.get(this.optimizer)?.count ?? 1) < 1) torch.warnOnce(ORDER_WARNING);
    this.stepCount += 1;
    if (epoch === undefined) {
      this.lastEpoch += 1;
      this.applyLr(() => this.getLr());
    } else {
      torch.warnOnce(EPOCH_DEPRECATION_WARNING);
      this.lastEpoch = epoch;
      this.applyLr(() => this.closedFormLr() ?? this.getLr(), epoch);
    }
  }

  /**
   * Writes the rates `compute` returns into the groups, printing each with `epoch`, and records them as the last.
   * `compute` runs as within `step()`, so `getLr()` does not warn; as PyTorch's `zip`, a group added after the
   * scheduler (which has no rate) is left as it is.
   */
  protected applyLr(compute: () => number[], epoch?: number): void {
    let values: number[];
    this.getLrCalledWithinStep = true;
    try {
      values = compute();
    } finally {
      this.getLrCalledWithinStep = false;
    }
    const groups = this.groups;
    for (let i = 0; i < Math.min(groups.length, values.length); i++) {
      groups[i].lr = values[i];
      this.printLr(this.verbose, i, values[i], epoch);
    }
    this.lastLr = groups.map((g) => g.lr);
  }

  /**
   * Every field except the optimizer, copied.
   *
   * @example
   * ```ts
   * import { SGD, lrScheduler } from '@kindling/optim';
   *
   * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 0.1 });
   * const scheduler = new lrScheduler.StepLR(opt, 30);
   * console.log(scheduler.stateDict());
   * ```
   * ```text
   * {
   *   step_size: 30,
   *   gamma: 0.1,
   *   base_lrs: [ 0.1 ],
   *   last_epoch: 0,
   *   verbose: false,
   *   _step_count: 1,
   *   _get_lr_called_within_step: false,
   *   _last_lr: [ 0.1 ]
   * }
   * ```
   */
  stateDict(): SchedulerStateDict {
    return fieldsToState(this);
  }

  /** Restores the fields from a state dict made by `stateDict()` (or PyTorch's, with the same keys). */
  loadStateDict(stateDict: SchedulerStateDict): void {
    stateToFields(this, stateDict);
  }
}
