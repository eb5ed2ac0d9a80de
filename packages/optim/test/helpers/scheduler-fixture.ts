/**
 * The scheduler fixture (tools/golden/lr_scheduler.py → fixtures/lr_scheduler.json) and its cases rebuilt in Kindling:
 * the optimizer, the extra group entries, the schedulers from their specs, and the same stepping loop.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import * as torch from '@kindling/core';
import {
  Adagrad,
  Adam,
  RMSprop,
  SGD,
  lrScheduler,
  type Optimizer,
  type HyperValue,
  type ParamGroupInput,
} from '@kindling/optim';

const S = lrScheduler;
type Json = number | string | boolean | null | Json[] | { [k: string]: Json };
export type Scheduler = lrScheduler.LRScheduler | lrScheduler.ReduceLROnPlateau;

export interface SchedulerSpec {
  kind: string;
  args?: Json[];
  kwargs?: Record<string, Json>;
  form?: 'options';
  children?: SchedulerSpec[];
  milestones?: number[];
}

export interface OptimizerSpec {
  kind: 'SGD' | 'Adam' | 'RMSprop' | 'Adagrad';
  lrs: number[];
  momentum?: number;
  betas?: number[];
}

/** A schedule to run: the optimizer, its groups' extra entries, the schedulers and how they step. */
export interface ScheduleSpec {
  name: string;
  optimizer: OptimizerSpec;
  groupExtras?: Record<string, number>[];
  schedulers: SchedulerSpec[];
  steps?: number;
  epochs?: number[];
  metrics?: number[];
}

/** A schedule with what PyTorch recorded after construction and after each step. */
export interface ScheduleCase extends ScheduleSpec {
  lrs: number[][];
  momenta: (number | null)[][];
  lastLr: (number[] | null)[];
}

export interface SchedulerFixture {
  cases: ScheduleCase[];
  errors: Record<string, { python: string; error: string; message: string }>;
}

export const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/lr_scheduler.json', import.meta.url), 'utf8'),
) as SchedulerFixture;

/** The learning-rate functions of tools/golden/lr_scheduler.py, written the same way. */
export const LAMBDAS: Record<string, lrScheduler.LrLambda> = {
  warmup10: (e) => Math.min(1.0, (e + 1) / 10),
  exp95: (e) => 0.95 ** e,
  inverse: (e) => 1 / (1 + 0.05 * e),
  mult99: () => 0.99,
  every10: (e) => (e % 10 === 0 ? 0.5 : 1.0),
};

/** The name of the first positional argument of each scheduler, for specs given in the options form. */
const FIRST_ARG: Record<string, string> = {
  StepLR: 'stepSize',
  MultiStepLR: 'milestones',
  ExponentialLR: 'gamma',
  CosineAnnealingLR: 'TMax',
  CosineAnnealingWarmRestarts: 'T0',
  LambdaLR: 'lrLambda',
  MultiplicativeLR: 'lrLambda',
  OneCycleLR: 'maxLr',
  CyclicLR: 'baseLr',
  ReduceLROnPlateau: 'mode',
};

type Resolved = number | string | boolean | null | lrScheduler.LrLambda | Resolved[] | { [k: string]: Resolved };

function resolve(v: Json): Resolved {
  if (Array.isArray(v)) return v.map(resolve);
  if (typeof v === 'object' && v !== null) {
    if (typeof v.lambda === 'string') return LAMBDAS[v.lambda];
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
  }
  return v;
}

export function makeOptimizer(o: OptimizerSpec): Optimizer {
  const groups: ParamGroupInput[] = o.lrs.map((lr) => ({ params: [torch.zeros([1], { requiresGrad: true })], lr }));
  switch (o.kind) {
    case 'SGD':
      return new SGD(groups, { lr: o.lrs[0], momentum: o.momentum ?? 0 });
    case 'Adam':
      return new Adam(groups, { betas: o.betas ?? [0.9, 0.999] });
    case 'RMSprop':
      return new RMSprop(groups, { momentum: o.momentum ?? 0 });
    case 'Adagrad':
      return new Adagrad(groups);
  }
}

export function build(opt: Optimizer, spec: SchedulerSpec): Scheduler {
  if (spec.kind === 'SequentialLR') {
    const children = (spec.children ?? []).map((c) => build(opt, c) as lrScheduler.LRScheduler);
    return new S.SequentialLR(
      opt,
      children,
      spec.milestones ?? [],
      (spec.kwargs ?? {}) as lrScheduler.SchedulerOptions,
    );
  }
  if (spec.kind === 'ChainedScheduler')
    return new S.ChainedScheduler((spec.children ?? []).map((c) => build(opt, c) as lrScheduler.LRScheduler));
  const args = (spec.args ?? []).map(resolve);
  const kw = resolve(spec.kwargs ?? {}) as Record<string, Resolved>;
  if (spec.form === 'options') {
    const all = args.length > 0 ? { ...kw, [FIRST_ARG[spec.kind]]: args[0] } : kw;
    return construct(opt, spec.kind, undefined, all);
  }
  return construct(opt, spec.kind, args[0], kw);
}

function construct(opt: Optimizer, kind: string, first: Resolved | undefined, kw: Record<string, Resolved>): Scheduler {
  const o = kw as never;
  const f = first as never;
  const only = first === undefined;
  switch (kind) {
    case 'StepLR':
      return only ? new S.StepLR(opt, o) : new S.StepLR(opt, f, o);
    case 'MultiStepLR':
      return only ? new S.MultiStepLR(opt, o) : new S.MultiStepLR(opt, f, o);
    case 'ConstantLR':
      return new S.ConstantLR(opt, o);
    case 'LinearLR':
      return new S.LinearLR(opt, o);
    case 'ExponentialLR':
      return only ? new S.ExponentialLR(opt, o) : new S.ExponentialLR(opt, f, o);
    case 'PolynomialLR':
      return new S.PolynomialLR(opt, o);
    case 'CosineAnnealingLR':
      return only ? new S.CosineAnnealingLR(opt, o) : new S.CosineAnnealingLR(opt, f, o);
    case 'CosineAnnealingWarmRestarts':
      return only ? new S.CosineAnnealingWarmRestarts(opt, o) : new S.CosineAnnealingWarmRestarts(opt, f, o);
    case 'LambdaLR':
      return only ? new S.LambdaLR(opt, o) : new S.LambdaLR(opt, f, o);
    case 'MultiplicativeLR':
      return only ? new S.MultiplicativeLR(opt, o) : new S.MultiplicativeLR(opt, f, o);
    case 'OneCycleLR':
      return only ? new S.OneCycleLR(opt, o) : new S.OneCycleLR(opt, f, o);
    case 'CyclicLR':
      return only ? new S.CyclicLR(opt, o) : new S.CyclicLR(opt, f, o);
    case 'ReduceLROnPlateau':
      return only ? new S.ReduceLROnPlateau(opt, o) : new S.ReduceLROnPlateau(opt, f, o);
    default:
      throw new Error(`unknown scheduler ${kind}`);
  }
}

export function momenta(opt: Optimizer): (number | null)[] {
  return opt.paramGroups.map((g) => {
    if ('betas' in g) return (g.betas as readonly number[])[0];
    const m: HyperValue | undefined = g.momentum;
    return typeof m === 'number' ? m : null;
  });
}

/** Builds a case's optimizer and schedulers, as the fixture did. */
export function setup(c: ScheduleSpec): { opt: Optimizer; schedulers: Scheduler[] } {
  const opt = makeOptimizer(c.optimizer);
  (c.groupExtras ?? []).forEach((extra, i) => Object.assign(opt.paramGroups[i], extra));
  return { opt, schedulers: c.schedulers.map((s) => build(opt, s)) };
}

export function stepCount(c: ScheduleSpec): number {
  return c.epochs?.length ?? c.metrics?.length ?? c.steps ?? 100;
}

/** Step `i` of the case's loop: `optimizer.step()`, then each scheduler's step. */
export function stepAll(c: ScheduleSpec, opt: Optimizer, schedulers: Scheduler[], i: number): void {
  opt.step();
  for (const s of schedulers) {
    if (s instanceof S.ReduceLROnPlateau) s.step((c.metrics as number[])[i]);
    else if (c.epochs) s.step(c.epochs[i]);
    else s.step();
  }
}

/** Recorded values compared, and how many of them were bit for bit PyTorch's. */
export interface Tally {
  values: number;
  exact: number;
}

/** Schedules match PyTorch's within this relative tolerance (C's cos and pow against JavaScript's). */
export const SCHEDULE_RTOL = 1e-12;

/** Within SCHEDULE_RTOL of PyTorch's values, None where PyTorch has None. */
function expectLikePyTorch(
  actual: readonly (number | null)[],
  expected: readonly (number | null)[],
  what: string,
  tally: Tally | undefined,
): void {
  expect(
    actual.map((a) => a === null),
    `${what}: where PyTorch has None`,
  ).toEqual(expected.map((e) => e === null));
  const numbers = (xs: readonly (number | null)[]): Float64Array =>
    Float64Array.from(xs.filter((x): x is number => x !== null));
  const [got, want] = [numbers(actual), numbers(expected)];
  if (tally) {
    tally.values += expected.length;
    tally.exact += got.filter((x, i) => Object.is(x, want[i])).length;
  }
  torch.testing.assertClose(got, want, { rtol: SCHEDULE_RTOL, atol: 0, msg: (m) => `${what}: ${m}` });
}

/** Runs case `c` and checks every group's lr, momentum and the last scheduler's getLastLr() after each step. */
export function replaySchedule(c: ScheduleCase, tally?: Tally): void {
  const { opt, schedulers } = setup(c);
  const last = schedulers[schedulers.length - 1];
  const check = (i: number): void => {
    expectLikePyTorch(
      opt.paramGroups.map((g) => g.lr),
      c.lrs[i],
      `lr after step ${i}`,
      tally,
    );
    expectLikePyTorch(momenta(opt), c.momenta[i], `momentum after step ${i}`, tally);
    if (c.lastLr[i] !== null) expectLikePyTorch(last.getLastLr(), c.lastLr[i], `getLastLr() after step ${i}`, tally);
  };
  check(0);
  for (let i = 0; i < stepCount(c); i++) {
    stepAll(c, opt, schedulers, i);
    check(i + 1);
  }
}

/** Runs schedule `c` without checking anything: for the schedules PyTorch refuses, which must throw here too. */
export function runSchedule(c: ScheduleSpec): void {
  const { opt, schedulers } = setup(c);
  for (let i = 0; i < stepCount(c); i++) stepAll(c, opt, schedulers, i);
}
