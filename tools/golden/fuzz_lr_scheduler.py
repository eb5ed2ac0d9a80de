"""Learning-rate schedules drawn at random against PyTorch 1.13: every scheduler with random arguments, one or two
on an optimizer of one to three groups, SequentialLR and ChainedScheduler over random children, resumption with
`last_epoch`, the deprecated `step(epoch)` with jumping and fractional epochs, and ReduceLROnPlateau on random metrics.

    /usr/bin/python3 tools/golden/fuzz_lr_scheduler.py [--seed S] [--cases N] [--out FILE]

Writes packages/optim/test/fixtures/fuzz_lr_scheduler.json (seed 0) by default, in lr_scheduler.py's case format,
replayed by packages/optim/test/fuzz-lr-scheduler.test.ts; `KINDLING_FUZZ_FIXTURE=FILE` replays another draw. A draw
that PyTorch refuses (an invalid combination) is kept among the fixture's `errors`, with PyTorch's exception type and
message, which Kindling must raise as well, and another is drawn in its place.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fuzz import Draw, fuzz_args  # noqa: E402
from lr_scheduler import LAMBDAS, run  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'optim', 'test', 'fixtures',
                   'fuzz_lr_scheduler.json')

GAMMAS = [0.1, 0.5, 0.9, 0.95, 1.0, 1.5]
FACTORS = [0.0, 0.1, 1 / 3, 0.5, 0.9, 1.0]
# Schedulers whose step(epoch) PyTorch computes in closed form, or through get_lr where it has none.
EPOCH_KINDS = ['StepLR', 'MultiStepLR', 'ConstantLR', 'LinearLR', 'ExponentialLR', 'CosineAnnealingLR',
               'PolynomialLR', 'LambdaLR', 'CosineAnnealingWarmRestarts']
SIMPLE_KINDS = EPOCH_KINDS + ['MultiplicativeLR']


def lam(d, groups):
    names = sorted(LAMBDAS)
    if groups > 1 and d.chance(0.4):
        return [{'lambda': d.pick(names)} for _ in range(groups)]
    return {'lambda': d.pick(names)}


def maybe(d, p, key, values):
    return {key: d.pick(values)} if d.chance(p) else {}


def per_group(d, groups, values):
    return [d.pick(values) for _ in range(groups)] if groups > 1 and d.chance(0.3) else d.pick(values)


def simple(d, kind, groups):
    """A spec for one of the schedulers that only need the optimizer and a few numbers."""
    if kind == 'StepLR':
        return {'args': [d.r.randint(1, 12)], 'kwargs': maybe(d, 0.7, 'gamma', GAMMAS)}
    if kind == 'MultiStepLR':
        milestones = sorted(d.r.randint(0, 40) for _ in range(d.r.randint(1, 4)))
        return {'args': [milestones], 'kwargs': maybe(d, 0.7, 'gamma', GAMMAS)}
    if kind == 'ConstantLR':
        return {'kwargs': {**maybe(d, 0.8, 'factor', FACTORS), **maybe(d, 0.8, 'totalIters', [0, 1, 3, 8])}}
    if kind == 'LinearLR':
        return {'kwargs': {**maybe(d, 0.8, 'startFactor', [0.01, 0.1, 1 / 3, 0.5, 1.0]),
                           **maybe(d, 0.6, 'endFactor', [0.0, 0.2, 1.0]),
                           **maybe(d, 0.8, 'totalIters', [1, 2, 5, 13])}}
    if kind == 'ExponentialLR':
        return {'args': [d.pick(GAMMAS)]}
    if kind == 'CosineAnnealingLR':
        return {'args': [d.r.randint(1, 30)], 'kwargs': maybe(d, 0.5, 'etaMin', [0.0, 1e-3, 0.02])}
    if kind == 'PolynomialLR':
        return {'kwargs': {**maybe(d, 0.8, 'totalIters', [1, 4, 10, 25]),
                           **maybe(d, 0.7, 'power', [0.5, 1.0, 2.0, 3.0])}}
    if kind == 'LambdaLR' or kind == 'MultiplicativeLR':
        return {'args': [lam(d, groups)]}
    if kind == 'CosineAnnealingWarmRestarts':
        return {'args': [d.r.randint(1, 10)], 'kwargs': {**maybe(d, 0.6, 'TMult', [1, 2, 3]),
                                                         **maybe(d, 0.5, 'etaMin', [0.0, 1e-3, 0.02])}}
    raise ValueError(kind)


def one_cycle(d, groups, steps):
    kwargs = {'totalSteps': steps + d.r.randint(0, 20)}
    if d.chance(0.3):
        per_epoch = d.r.randint(1, 10)
        kwargs = {'epochs': -(-kwargs['totalSteps'] // per_epoch), 'stepsPerEpoch': per_epoch}
    kwargs.update({**maybe(d, 0.5, 'pctStart', [0.1, 0.25, 0.3, 0.5]),
                   **maybe(d, 0.4, 'annealStrategy', ['cos', 'linear']),
                   **maybe(d, 0.3, 'cycleMomentum', [True, False]),
                   **maybe(d, 0.3, 'divFactor', [5.0, 25.0]),
                   **maybe(d, 0.3, 'finalDivFactor', [100.0, 1e4]),
                   **maybe(d, 0.3, 'threePhase', [True, False])})
    if d.chance(0.3):
        kwargs['baseMomentum'] = per_group(d, groups, [0.8, 0.85])
        kwargs['maxMomentum'] = per_group(d, groups, [0.9, 0.95])
    return {'args': [per_group(d, groups, [0.01, 0.1, 1.0])], 'kwargs': kwargs}


def cyclic(d, groups):
    kwargs = {'maxLr': per_group(d, groups, [0.05, 0.2, 1.0]),
              **maybe(d, 0.7, 'stepSizeUp', [1, 3, 7, 10]),
              **maybe(d, 0.4, 'stepSizeDown', [2, 5, 11]),
              **maybe(d, 0.6, 'mode', ['triangular', 'triangular2', 'exp_range']),
              **maybe(d, 0.4, 'gamma', [0.9, 0.99]),
              **maybe(d, 0.3, 'cycleMomentum', [True, False]),
              **maybe(d, 0.3, 'scaleMode', ['cycle', 'iterations'])}
    if d.chance(0.3):
        kwargs['baseMomentum'] = per_group(d, groups, [0.8, 0.85])
        kwargs['maxMomentum'] = per_group(d, groups, [0.9, 0.95])
    return {'args': [per_group(d, groups, [0.001, 0.01])], 'kwargs': kwargs}


def plateau(d, groups):
    kwargs = {**maybe(d, 0.5, 'factor', [0.1, 0.5, 0.9]),
              **maybe(d, 0.6, 'patience', [0, 1, 2, 5]),
              **maybe(d, 0.5, 'threshold', [0.0, 1e-4, 0.01, 0.1]),
              **maybe(d, 0.5, 'thresholdMode', ['rel', 'abs']),
              **maybe(d, 0.5, 'cooldown', [0, 1, 3]),
              **maybe(d, 0.3, 'eps', [1e-8, 1e-3])}
    if d.chance(0.4):
        kwargs['minLr'] = per_group(d, groups, [0.0, 1e-3, 0.01])
    return {'args': [d.pick(['min', 'max'])] if d.chance(0.7) else [], 'kwargs': kwargs}


def metrics(d, n):
    """A noisy walk: drops, plateaus (repeated values and tiny wiggles) and rises."""
    out, v = [], d.pick([1.0, 0.5, 10.0])
    for _ in range(n):
        r = d.r.random()
        v = v if r < 0.25 else v * (1 + d.pick([-0.2, -0.01, -1e-5, 1e-5, 0.01, 0.1]))
        out.append(v)
    return out


def with_form(d, spec, kind):
    spec = {'kind': kind, **spec}
    if spec.get('args') and d.chance(0.2):
        spec['form'] = 'options'
    return spec


def draw_case(d, index):
    groups = d.pick([1, 2, 2, 3])
    lrs = [d.pick([0.1, 0.05, 1.0, 0.003]) for _ in range(groups)]
    kind = d.pick(['SGD', 'SGD', 'Adam', 'RMSprop', 'Adagrad'])
    optimizer = {'kind': kind, 'lrs': lrs}
    if kind in ('SGD', 'RMSprop') and d.chance(0.6):
        optimizer['momentum'] = d.pick([0.5, 0.9])
    if kind == 'Adam' and d.chance(0.5):
        optimizer['betas'] = [d.pick([0.8, 0.9]), 0.999]
    steps = d.r.randint(1, 60)
    case = {'name': f'{index}', 'optimizer': optimizer}
    pattern = d.pick(['steps', 'steps', 'steps', 'two', 'sequential', 'chained', 'epochs', 'resume', 'plateau',
                      'one-cycle', 'cyclic'])
    if pattern in ('steps', 'two'):
        names = [d.pick(SIMPLE_KINDS) for _ in range(1 if pattern == 'steps' else 2)]
        case['schedulers'] = [with_form(d, simple(d, k, groups), k) for k in names]
    elif pattern in ('sequential', 'chained'):
        children = [d.pick(SIMPLE_KINDS) for _ in range(d.r.randint(2, 3))]
        specs = [{'kind': k, **simple(d, k, groups)} for k in children]
        if pattern == 'sequential':
            milestones = sorted(d.r.sample(range(1, max(steps, len(children)) + 5), len(children) - 1))
            case['schedulers'] = [{'kind': 'SequentialLR', 'milestones': milestones, 'children': specs}]
        else:
            case['schedulers'] = [{'kind': 'ChainedScheduler', 'children': specs}]
    elif pattern == 'epochs':
        k = d.pick(EPOCH_KINDS)
        case['schedulers'] = [with_form(d, simple(d, k, groups), k)]
        fractional = k == 'CosineAnnealingWarmRestarts' and d.chance(0.5)
        case['epochs'] = [d.r.randint(0, 4 * steps) / (4 if fractional else 1) for _ in range(steps)]
    elif pattern == 'resume':
        k = d.pick(['StepLR', 'MultiStepLR', 'ExponentialLR', 'CosineAnnealingLR', 'LambdaLR', 'LinearLR',
                    'ConstantLR', 'PolynomialLR', 'CosineAnnealingWarmRestarts'])
        spec = simple(d, k, groups)
        spec.setdefault('kwargs', {})['lastEpoch'] = d.r.randint(0, 30)
        case['groupExtras'] = [{'initialLr': d.pick([0.2, 0.1, 0.5])} for _ in range(groups)]
        case['schedulers'] = [with_form(d, spec, k)]
    elif pattern == 'plateau':
        case['schedulers'] = [with_form(d, plateau(d, groups), 'ReduceLROnPlateau')]
        case['metrics'] = metrics(d, steps)
    elif pattern == 'one-cycle':
        case['schedulers'] = [with_form(d, one_cycle(d, groups, steps), 'OneCycleLR')]
    else:
        case['schedulers'] = [with_form(d, cyclic(d, groups), 'CyclicLR')]
    if 'epochs' not in case and 'metrics' not in case:
        case['steps'] = steps
    case['name'] = f"{index} {' + '.join(s['kind'] for s in case['schedulers'])} ({pattern})"
    return case


def main():
    args = fuzz_args(OUT, 200)
    d = Draw(args.seed)
    cases, errors = [], []
    while len(cases) < args.cases:
        case = draw_case(d, len(cases))
        try:
            cases.append(run(case))
        except (ValueError, TypeError, KeyError, ZeroDivisionError, RuntimeError) as e:
            message = e.args[0] if isinstance(e, KeyError) else str(e)
            errors.append({**case, 'name': f'{len(errors)} {case["name"]}', 'error': type(e).__name__,
                           'message': message})
    with open(args.out, 'w') as f:
        json.dump({'torch': torch.__version__, 'seed': args.seed, 'cases': cases, 'errors': errors}, f,
                  separators=(',', ':'))
    print(f'wrote {len(cases)} schedules and {len(errors)} that PyTorch refused to {args.out}')


if __name__ == '__main__':
    main()
