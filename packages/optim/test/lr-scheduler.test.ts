/**
 * The learning-rate schedulers against PyTorch 1.13 (fixtures/lr_scheduler.json, written by
 * tools/golden/lr_scheduler.py): every group's learning rate (and momentum, and `getLastLr()`) after construction and
 * after each of 100 steps, within 1e-12 relative, for each scheduler; two schedulers stepping one optimizer;
 * SequentialLR and ChainedScheduler; OneCycleLR's strategies and momentum cycling (SGD's momentum, Adam's betas);
 * CyclicLR's modes, per-group bounds and momentum;
 * ReduceLROnPlateau on scripted metrics; resuming with `lastEpoch`; and the deprecated `step(epoch)` closed forms.
 * Errors carry PyTorch's type and message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { lrScheduler, type Optimizer } from '@kindling/optim';
import {
  SCHEDULE_RTOL,
  build,
  fixture,
  makeOptimizer,
  replaySchedule,
  type ScheduleCase,
  type Tally,
} from './helpers/scheduler-fixture.js';
import { thrown } from '../../core/test/helpers/golden.js';

const S = lrScheduler;
const tally: Tally = { values: 0, exact: 0 };

afterAll(() =>
  console.log(
    `schedules: ${tally.exact}/${tally.values} recorded values bit for bit equal to PyTorch's, the rest within ${SCHEDULE_RTOL}`,
  ),
);

describe.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c: ScheduleCase) => {
  it('learning rates, momenta and getLastLr() equal PyTorch at every step', () => replaySchedule(c, tally));
});

function sgd2(): Optimizer {
  return makeOptimizer({ kind: 'SGD', lrs: [0.1, 0.05] });
}

const TRIGGERS: Record<string, () => unknown> = {
  'not-an-optimizer': () => new S.StepLR(torch.ones(2) as unknown as Optimizer, 10),
  'constant-factor': () => new S.ConstantLR(sgd2(), { factor: 1.5 }),
  'linear-start-factor': () => new S.LinearLR(sgd2(), { startFactor: 1.5 }),
  'linear-end-factor': () => new S.LinearLR(sgd2(), { endFactor: -0.1 }),
  'lambda-count': () => new S.LambdaLR(sgd2(), [() => 1.0]),
  'resume-without-initial-lr': () => new S.StepLR(sgd2(), 10, { lastEpoch: 5 }),
  'one-cycle-no-steps': () => new S.OneCycleLR(sgd2(), 1.0),
  'one-cycle-total-steps': () => new S.OneCycleLR(sgd2(), 1.0, { totalSteps: -5 }),
  'one-cycle-epochs': () => new S.OneCycleLR(sgd2(), 1.0, { epochs: 0, stepsPerEpoch: 10 }),
  'one-cycle-steps-per-epoch': () => new S.OneCycleLR(sgd2(), 1.0, { epochs: 3, stepsPerEpoch: 2.5 }),
  'one-cycle-pct-start': () => new S.OneCycleLR(sgd2(), 1.0, { totalSteps: 10, pctStart: 1.5 }),
  'one-cycle-anneal': () => new S.OneCycleLR(sgd2(), 1.0, { totalSteps: 10, annealStrategy: 'exp' as 'cos' }),
  'warm-restarts-t0': () => new S.CosineAnnealingWarmRestarts(sgd2(), 0),
  'warm-restarts-t0-float': () => new S.CosineAnnealingWarmRestarts(sgd2(), 2.5),
  'warm-restarts-t-mult': () => new S.CosineAnnealingWarmRestarts(sgd2(), 2, { TMult: 0 }),
  'warm-restarts-negative-epoch': () => new S.CosineAnnealingWarmRestarts(sgd2(), 2).step(-1),
  'one-cycle-max-lr-count': () => new S.OneCycleLR(sgd2(), [1.0, 0.5, 0.1], { totalSteps: 10 }),
  'one-cycle-no-momentum': () =>
    new S.OneCycleLR(makeOptimizer({ kind: 'Adagrad', lrs: [0.1, 0.05] }), 1.0, { totalSteps: 10 }),
  'one-cycle-past-end': () => {
    const s = new S.OneCycleLR(sgd2(), 1.0, { totalSteps: 10 });
    for (let i = 0; i < 11; i++) s.step();
  },
  'sequential-milestones': () => {
    const opt = sgd2();
    return new S.SequentialLR(opt, [new S.StepLR(opt, 10), new S.ExponentialLR(opt, 0.9)], [5, 10]);
  },
  'sequential-optimizer': () => {
    const opt = sgd2();
    return new S.SequentialLR(sgd2(), [new S.StepLR(opt, 10), new S.ExponentialLR(opt, 0.9)], [5]);
  },
  'chained-optimizer': () => new S.ChainedScheduler([new S.StepLR(sgd2(), 10), new S.ExponentialLR(sgd2(), 0.9)]),
  'plateau-factor': () => new S.ReduceLROnPlateau(sgd2(), { factor: 1.0 }),
  'plateau-mode': () => new S.ReduceLROnPlateau(sgd2(), { mode: 'avg' as 'min' }),
  'plateau-threshold-mode': () => new S.ReduceLROnPlateau(sgd2(), { thresholdMode: 'pct' as 'rel' }),
  'plateau-min-lr-count': () => new S.ReduceLROnPlateau(sgd2(), { minLr: [0.1, 0.2, 0.3] }),
  'cyclic-mode': () => new S.CyclicLR(sgd2(), 0.01, 0.1, { mode: 'sine' as 'triangular' }),
  'cyclic-no-momentum': () => new S.CyclicLR(makeOptimizer({ kind: 'Adagrad', lrs: [0.1, 0.05] }), 0.01, 0.1),
  'cyclic-base-lr-count': () => new S.CyclicLR(sgd2(), [0.01, 0.02, 0.03], 0.1),
  'cyclic-max-momentum-count': () => new S.CyclicLR(sgd2(), 0.01, 0.1, { maxMomentum: [0.9] }),
  'cyclic-missing-max-lr': () => new S.CyclicLR(sgd2(), 0.01, {}),
};

describe("scheduler errors carry PyTorch's type and message", () => {
  it('every fixture case has a trigger', () => {
    expect(Object.keys(TRIGGERS).sort()).toEqual(Object.keys(fixture.errors).sort());
  });

  it.each(Object.entries(fixture.errors))('%s', (id, expected) => {
    const err = thrown(TRIGGERS[id]);
    expect(err.message).toContain(expected.message);
    expect(err.name).toBe(expected.error);
  });

  it('a required argument given neither positionally nor in the options, or given both ways', () => {
    expect(thrown(() => new S.StepLR(sgd2(), {} as { stepSize: number })).message).toContain(
      "missing 1 required positional argument: 'stepSize'",
    );
    expect(thrown(() => new S.StepLR(sgd2(), 3, { stepSize: 4 })).message).toContain(
      "got multiple values for argument 'stepSize'",
    );
    expect(() => build(sgd2(), { kind: 'ExponentialLR', kwargs: { gamma: 0.5 }, form: 'options' })).not.toThrow();
  });
});
