"""Golden fixtures for the learning-rate schedulers: learning-rate (and momentum) sequences from PyTorch 1.13.

Regenerate with:

    /usr/bin/python3 tools/golden/lr_scheduler.py

Writes packages/optim/test/fixtures/lr_scheduler.json, read by packages/optim/test/lr-scheduler.test.ts.

A case builds an optimizer over two parameter groups, sets extra group entries (`groupExtras`, e.g. `initialLr` to
resume with `lastEpoch`), builds its schedulers from specs, and records every group's `lr` (and momentum, and the
last scheduler's `get_last_lr()`) after construction and after each of `steps` steps. Each step calls
`optimizer.step()` (no gradients, so nothing moves) and then every scheduler's `step()`; a case with `epochs` calls
`step(epoch)` (the deprecated closed-form path), one with `metrics` calls ReduceLROnPlateau's `step(metric)`.

A scheduler spec: {"kind": "StepLR", "args": [positional arguments], "kwargs": {Kindling's option names},
"form": "options" to pass every argument in the options object}. SequentialLR and ChainedScheduler specs hold
"children" specs. Learning-rate functions are named ({"lambda": "warmup10"}); LAMBDAS lists them, and the test
defines the same functions.
"""

import json
import math
import os
import re

import torch
from torch.optim import lr_scheduler as S

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'optim', 'test', 'fixtures', 'lr_scheduler.json')

LAMBDAS = {
    'warmup10': lambda e: min(1.0, (e + 1) / 10),
    'exp95': lambda e: 0.95 ** e,
    'inverse': lambda e: 1 / (1 + 0.05 * e),
    'mult99': lambda e: 0.99,
    'every10': lambda e: 0.5 if e % 10 == 0 else 1.0,
}

NAMES = {'TMax': 'T_max', 'T0': 'T_0', 'TMult': 'T_mult'}


def snake(name):
    return NAMES.get(name) or re.sub(r'(?<!^)([A-Z])', lambda m: '_' + m.group(1).lower(), name)


def resolve(v):
    if isinstance(v, dict) and 'lambda' in v:
        return LAMBDAS[v['lambda']]
    if isinstance(v, list):
        return [resolve(x) for x in v]
    return v


def build(opt, spec):
    kind = spec['kind']
    if kind == 'SequentialLR':
        children = [build(opt, c) for c in spec['children']]
        return S.SequentialLR(opt, children, spec['milestones'], **{snake(k): v for k, v in spec.get('kwargs', {}).items()})
    if kind == 'ChainedScheduler':
        return S.ChainedScheduler([build(opt, c) for c in spec['children']])
    args = [resolve(a) for a in spec.get('args', [])]
    kwargs = {snake(k): resolve(v) for k, v in spec.get('kwargs', {}).items()}
    return getattr(S, kind)(opt, *args, **kwargs)


def optimizer(o):
    params = [torch.zeros(1, requires_grad=True) for _ in o['lrs']]
    groups = [{'params': [p], 'lr': lr} for p, lr in zip(params, o['lrs'])]
    kind = o['kind']
    if kind == 'SGD':
        return torch.optim.SGD(groups, lr=o['lrs'][0], momentum=o.get('momentum', 0))
    if kind == 'Adam':
        return torch.optim.Adam(groups, betas=tuple(o.get('betas', (0.9, 0.999))))
    if kind == 'RMSprop':
        return torch.optim.RMSprop(groups, momentum=o.get('momentum', 0))
    if kind == 'Adagrad':
        return torch.optim.Adagrad(groups)
    raise ValueError(kind)


def momenta(opt):
    return [g['betas'][0] if 'betas' in g else g.get('momentum') for g in opt.param_groups]


def run(case):
    opt = optimizer(case['optimizer'])
    for g, extra in zip(opt.param_groups, case.get('groupExtras', [{} for _ in opt.param_groups])):
        g.update({snake(k): v for k, v in extra.items()})
    scheds = [build(opt, s) for s in case['schedulers']]
    lrs, moms, last = [], [], []

    def record():
        lrs.append([g['lr'] for g in opt.param_groups])
        moms.append(momenta(opt))
        last.append(list(getattr(scheds[-1], '_last_lr', None) or []) or None)

    record()
    steps = len(case['epochs']) if 'epochs' in case else len(case['metrics']) if 'metrics' in case else case.get('steps', 100)
    for i in range(steps):
        opt.step()
        for s in scheds:
            if 'metrics' in case:
                s.step(case['metrics'][i])
            elif 'epochs' in case:
                s.step(case['epochs'][i])
            else:
                s.step()
        record()
    out = dict(case)
    out.update({'lrs': lrs, 'momenta': moms, 'lastLr': last})
    return out


SGD2 = {'kind': 'SGD', 'lrs': [0.1, 0.05]}
SGD_M = {'kind': 'SGD', 'lrs': [0.1, 0.05], 'momentum': 0.9}
ADAM2 = {'kind': 'Adam', 'lrs': [0.001, 0.002], 'betas': [0.9, 0.99]}


def lam(name):
    return {'lambda': name}


def metric_min():
    # falls, plateaus with small wiggles, falls again, plateaus, rises
    out = []
    for i in range(100):
        if i < 20:
            v = 1.0 / (1 + 0.1 * i)
        elif i < 45:
            v = 0.34 + 0.002 * math.sin(i)
        elif i < 55:
            v = 0.34 - 0.02 * (i - 44)
        elif i < 85:
            v = 0.14 + 0.0005 * math.cos(3 * i)
        else:
            v = 0.14 + 0.01 * (i - 84)
        out.append(v)
    return out


def metric_max():
    return [1 - v for v in metric_min()]


EPOCHS = [0, 1, 2, 5, 9, 10, 11, 29, 30, 31, 45, 60, 59, 61, 90, 89, 3, 100, 150, 7]

CASES = [
    {'name': 'StepLR', 'optimizer': SGD2, 'schedulers': [{'kind': 'StepLR', 'args': [30], 'kwargs': {'gamma': 0.1}}]},
    {'name': 'StepLR options form', 'optimizer': SGD2,
     'schedulers': [{'kind': 'StepLR', 'args': [7], 'kwargs': {'gamma': 0.5}, 'form': 'options'}]},
    {'name': 'MultiStepLR repeated milestone', 'optimizer': SGD2,
     'schedulers': [{'kind': 'MultiStepLR', 'args': [[30, 60, 60, 90]], 'kwargs': {'gamma': 0.5}}]},
    {'name': 'ConstantLR', 'optimizer': SGD2, 'schedulers': [{'kind': 'ConstantLR', 'kwargs': {'factor': 0.5, 'totalIters': 4}}]},
    {'name': 'ConstantLR defaults', 'optimizer': SGD2, 'schedulers': [{'kind': 'ConstantLR'}]},
    {'name': 'LinearLR warmup', 'optimizer': SGD2,
     'schedulers': [{'kind': 'LinearLR', 'kwargs': {'startFactor': 0.25, 'endFactor': 1.0, 'totalIters': 10}}]},
    {'name': 'LinearLR decay', 'optimizer': SGD2,
     'schedulers': [{'kind': 'LinearLR', 'kwargs': {'startFactor': 1.0, 'endFactor': 0.1, 'totalIters': 40}}]},
    {'name': 'ExponentialLR', 'optimizer': SGD2, 'schedulers': [{'kind': 'ExponentialLR', 'args': [0.95]}]},
    {'name': 'CosineAnnealingLR past TMax', 'optimizer': SGD2,
     'schedulers': [{'kind': 'CosineAnnealingLR', 'args': [30], 'kwargs': {'etaMin': 0.001}}]},
    {'name': 'CosineAnnealingLR options form', 'optimizer': SGD2,
     'schedulers': [{'kind': 'CosineAnnealingLR', 'args': [100], 'form': 'options'}]},
    {'name': 'LambdaLR', 'optimizer': SGD2, 'schedulers': [{'kind': 'LambdaLR', 'args': [lam('warmup10')]}]},
    {'name': 'LambdaLR per group', 'optimizer': SGD2,
     'schedulers': [{'kind': 'LambdaLR', 'args': [[lam('exp95'), lam('inverse')]]}]},
    {'name': 'MultiplicativeLR', 'optimizer': SGD2, 'schedulers': [{'kind': 'MultiplicativeLR', 'args': [lam('mult99')]}]},
    {'name': 'MultiplicativeLR per group', 'optimizer': SGD2,
     'schedulers': [{'kind': 'MultiplicativeLR', 'args': [[lam('mult99'), lam('every10')]]}]},
    {'name': 'PolynomialLR', 'optimizer': SGD2, 'schedulers': [{'kind': 'PolynomialLR', 'kwargs': {'totalIters': 50, 'power': 2.0}}]},
    {'name': 'OneCycleLR cos SGD momentum', 'optimizer': SGD_M,
     'schedulers': [{'kind': 'OneCycleLR', 'args': [1.0], 'kwargs': {'totalSteps': 100}}]},
    {'name': 'OneCycleLR linear per-group max', 'optimizer': SGD_M,
     'schedulers': [{'kind': 'OneCycleLR', 'args': [[1.0, 0.5]], 'kwargs': {'totalSteps': 100, 'annealStrategy': 'linear'}}]},
    {'name': 'OneCycleLR three phase', 'optimizer': SGD_M,
     'schedulers': [{'kind': 'OneCycleLR', 'args': [0.5], 'kwargs': {
         'totalSteps': 100, 'pctStart': 0.25, 'divFactor': 10.0, 'finalDivFactor': 100.0, 'threePhase': True,
         'baseMomentum': [0.8, 0.7], 'maxMomentum': 0.9}}]},
    {'name': 'OneCycleLR Adam betas epochs', 'optimizer': ADAM2,
     'schedulers': [{'kind': 'OneCycleLR', 'args': [0.01], 'kwargs': {'epochs': 10, 'stepsPerEpoch': 10}}]},
    {'name': 'OneCycleLR Adam three phase linear', 'optimizer': ADAM2,
     'schedulers': [{'kind': 'OneCycleLR', 'args': [0.01], 'kwargs': {
         'totalSteps': 100, 'threePhase': True, 'annealStrategy': 'linear', 'pctStart': 0.4}}]},
    {'name': 'OneCycleLR no momentum cycling', 'optimizer': {'kind': 'Adagrad', 'lrs': [0.1, 0.05]},
     'schedulers': [{'kind': 'OneCycleLR', 'args': [0.3], 'kwargs': {'totalSteps': 100, 'cycleMomentum': False}}]},
    {'name': 'OneCycleLR options form', 'optimizer': {'kind': 'RMSprop', 'lrs': [0.1, 0.05], 'momentum': 0.5},
     'schedulers': [{'kind': 'OneCycleLR', 'args': [0.2], 'kwargs': {'totalSteps': 120}, 'form': 'options'}]},
    {'name': 'SequentialLR docs example', 'optimizer': SGD2, 'schedulers': [{'kind': 'SequentialLR', 'milestones': [2], 'children': [
        {'kind': 'ConstantLR', 'kwargs': {'factor': 0.1, 'totalIters': 2}}, {'kind': 'ExponentialLR', 'args': [0.9]}]}]},
    {'name': 'SequentialLR warmup then cosine', 'optimizer': SGD2, 'schedulers': [{'kind': 'SequentialLR', 'milestones': [10], 'children': [
        {'kind': 'LinearLR', 'kwargs': {'startFactor': 0.1, 'totalIters': 10}}, {'kind': 'CosineAnnealingLR', 'args': [90]}]}]},
    {'name': 'SequentialLR three', 'optimizer': SGD2, 'schedulers': [{'kind': 'SequentialLR', 'milestones': [5, 20], 'children': [
        {'kind': 'LinearLR', 'kwargs': {'startFactor': 0.5, 'totalIters': 5}},
        {'kind': 'ConstantLR', 'kwargs': {'factor': 0.5, 'totalIters': 10}},
        {'kind': 'StepLR', 'args': [15], 'kwargs': {'gamma': 0.5}}]}]},
    {'name': 'SequentialLR with a lambda (no closed form)', 'optimizer': SGD2, 'schedulers': [{'kind': 'SequentialLR', 'milestones': [10], 'children': [
        {'kind': 'ExponentialLR', 'args': [0.9]}, {'kind': 'LambdaLR', 'args': [lam('inverse')]}]}]},
    {'name': 'ChainedScheduler', 'optimizer': SGD2, 'schedulers': [{'kind': 'ChainedScheduler', 'children': [
        {'kind': 'ConstantLR', 'kwargs': {'factor': 0.1, 'totalIters': 2}}, {'kind': 'ExponentialLR', 'args': [0.9]}]}]},
    {'name': 'ChainedScheduler warmup and steps', 'optimizer': SGD2, 'schedulers': [{'kind': 'ChainedScheduler', 'children': [
        {'kind': 'LinearLR', 'kwargs': {'startFactor': 0.2, 'totalIters': 8}}, {'kind': 'MultiStepLR', 'args': [[25, 50, 75]]},
        {'kind': 'ExponentialLR', 'args': [0.99]}]}]},
    {'name': 'two schedulers on one optimizer: StepLR + ExponentialLR', 'optimizer': SGD2,
     'schedulers': [{'kind': 'StepLR', 'args': [10], 'kwargs': {'gamma': 0.5}}, {'kind': 'ExponentialLR', 'args': [0.98]}]},
    {'name': 'two schedulers on one optimizer: LinearLR + CosineAnnealingLR', 'optimizer': SGD2,
     'schedulers': [{'kind': 'LinearLR', 'kwargs': {'startFactor': 0.1, 'totalIters': 10}}, {'kind': 'CosineAnnealingLR', 'args': [50]}]},
    {'name': 'resume StepLR', 'optimizer': {'kind': 'SGD', 'lrs': [0.05, 0.025]}, 'groupExtras': [{'initialLr': 0.2}, {'initialLr': 0.1}],
     'schedulers': [{'kind': 'StepLR', 'args': [10], 'kwargs': {'gamma': 0.5, 'lastEpoch': 25}}]},
    {'name': 'resume CosineAnnealingLR', 'optimizer': {'kind': 'SGD', 'lrs': [0.07, 0.03]}, 'groupExtras': [{'initialLr': 0.1}, {'initialLr': 0.05}],
     'schedulers': [{'kind': 'CosineAnnealingLR', 'args': [40], 'kwargs': {'etaMin': 0.002, 'lastEpoch': 15}}]},
    {'name': 'resume ExponentialLR', 'optimizer': SGD2, 'groupExtras': [{'initialLr': 0.3}, {'initialLr': 0.2}],
     'schedulers': [{'kind': 'ExponentialLR', 'args': [0.9], 'kwargs': {'lastEpoch': 5}}]},
    {'name': 'resume MultiStepLR', 'optimizer': SGD2, 'groupExtras': [{'initialLr': 0.4}, {'initialLr': 0.2}],
     'schedulers': [{'kind': 'MultiStepLR', 'args': [[30, 50]], 'kwargs': {'lastEpoch': 35}}]},
    {'name': 'resume LambdaLR', 'optimizer': SGD2, 'groupExtras': [{'initialLr': 0.3}, {'initialLr': 0.2}],
     'schedulers': [{'kind': 'LambdaLR', 'args': [lam('exp95')], 'kwargs': {'lastEpoch': 12}}]},
    {'name': 'resume OneCycleLR', 'optimizer': SGD_M, 'steps': 69,
     'groupExtras': [{'initialLr': 0.04, 'maxLr': 1.0, 'minLr': 4e-6, 'maxMomentum': 0.95, 'baseMomentum': 0.85},
                     {'initialLr': 0.02, 'maxLr': 0.5, 'minLr': 2e-6, 'maxMomentum': 0.9, 'baseMomentum': 0.8}],
     'schedulers': [{'kind': 'OneCycleLR', 'args': [1.0], 'kwargs': {'totalSteps': 100, 'lastEpoch': 30}}]},
    {'name': 'epoch StepLR', 'optimizer': SGD2, 'epochs': EPOCHS, 'schedulers': [{'kind': 'StepLR', 'args': [10], 'kwargs': {'gamma': 0.5}}]},
    {'name': 'epoch MultiStepLR', 'optimizer': SGD2, 'epochs': EPOCHS,
     'schedulers': [{'kind': 'MultiStepLR', 'args': [[10, 30, 30, 60]], 'kwargs': {'gamma': 0.5}}]},
    {'name': 'epoch ConstantLR', 'optimizer': SGD2, 'epochs': EPOCHS, 'schedulers': [{'kind': 'ConstantLR', 'kwargs': {'totalIters': 10}}]},
    {'name': 'epoch LinearLR', 'optimizer': SGD2, 'epochs': EPOCHS,
     'schedulers': [{'kind': 'LinearLR', 'kwargs': {'startFactor': 0.2, 'totalIters': 30}}]},
    {'name': 'epoch ExponentialLR', 'optimizer': SGD2, 'epochs': EPOCHS, 'schedulers': [{'kind': 'ExponentialLR', 'args': [0.95]}]},
    {'name': 'epoch CosineAnnealingLR', 'optimizer': SGD2, 'epochs': EPOCHS,
     'schedulers': [{'kind': 'CosineAnnealingLR', 'args': [40], 'kwargs': {'etaMin': 0.01}}]},
    {'name': 'epoch PolynomialLR', 'optimizer': SGD2, 'epochs': EPOCHS, 'schedulers': [{'kind': 'PolynomialLR', 'kwargs': {'totalIters': 60}}]},
    {'name': 'epoch LambdaLR (no closed form)', 'optimizer': SGD2, 'epochs': EPOCHS,
     'schedulers': [{'kind': 'LambdaLR', 'args': [lam('inverse')]}]},
    {'name': 'ReduceLROnPlateau min rel', 'optimizer': SGD2, 'metrics': metric_min(),
     'schedulers': [{'kind': 'ReduceLROnPlateau', 'args': ['min'], 'kwargs': {'patience': 3, 'factor': 0.5}}]},
    {'name': 'ReduceLROnPlateau min abs cooldown min_lr', 'optimizer': SGD2, 'metrics': metric_min(),
     'schedulers': [{'kind': 'ReduceLROnPlateau', 'kwargs': {
         'thresholdMode': 'abs', 'threshold': 0.01, 'patience': 2, 'cooldown': 2, 'minLr': [0.01, 0.001]}}]},
    {'name': 'ReduceLROnPlateau max rel', 'optimizer': SGD2, 'metrics': metric_max(),
     'schedulers': [{'kind': 'ReduceLROnPlateau', 'args': ['max'], 'kwargs': {
         'threshold': 0.01, 'patience': 4, 'factor': 0.3, 'cooldown': 3}}]},
    {'name': 'ReduceLROnPlateau max abs eps', 'optimizer': SGD2, 'metrics': metric_max(),
     'schedulers': [{'kind': 'ReduceLROnPlateau', 'args': ['max'], 'kwargs': {
         'thresholdMode': 'abs', 'threshold': 0.001, 'patience': 1, 'factor': 0.5, 'minLr': 0.02, 'eps': 1e-3},
         'form': 'options'}]},
    {'name': 'CosineAnnealingWarmRestarts T0 10', 'optimizer': SGD2,
     'schedulers': [{'kind': 'CosineAnnealingWarmRestarts', 'args': [10]}]},
    {'name': 'CosineAnnealingWarmRestarts TMult 2 etaMin', 'optimizer': SGD_M,
     'schedulers': [{'kind': 'CosineAnnealingWarmRestarts', 'args': [5], 'kwargs': {'TMult': 2, 'etaMin': 0.001}}]},
    {'name': 'CosineAnnealingWarmRestarts options form', 'optimizer': ADAM2,
     'schedulers': [{'kind': 'CosineAnnealingWarmRestarts', 'args': [7], 'kwargs': {'TMult': 3}, 'form': 'options'}]},
    {'name': 'CosineAnnealingWarmRestarts per batch (fractional epochs)', 'optimizer': SGD2,
     'epochs': [e + i / 4 for e in range(25) for i in range(4)],
     'schedulers': [{'kind': 'CosineAnnealingWarmRestarts', 'args': [3], 'kwargs': {'TMult': 2}}]},
    {'name': 'CosineAnnealingWarmRestarts epochs jump', 'optimizer': SGD2,
     'epochs': [3, 26, 27, 5, 1, 40, 100, 2.5, 63.75] * 4,
     'schedulers': [{'kind': 'CosineAnnealingWarmRestarts', 'args': [4], 'kwargs': {'TMult': 1, 'etaMin': 0.05}}]},
    {'name': 'resume CosineAnnealingWarmRestarts', 'optimizer': SGD2, 'groupExtras': [{'initialLr': 0.3}, {'initialLr': 0.2}],
     'schedulers': [{'kind': 'CosineAnnealingWarmRestarts', 'args': [6], 'kwargs': {'lastEpoch': 9}}]},
    {'name': 'CyclicLR triangular with momentum', 'optimizer': SGD_M,
     'schedulers': [{'kind': 'CyclicLR', 'args': [0.01], 'kwargs': {'maxLr': 0.1, 'stepSizeUp': 7}}]},
    {'name': 'CyclicLR triangular2 per-group bounds, uneven sides', 'optimizer': SGD_M,
     'schedulers': [{'kind': 'CyclicLR', 'args': [[0.01, 0.001]], 'kwargs': {
         'maxLr': [0.1, 0.02], 'stepSizeUp': 5, 'stepSizeDown': 11, 'mode': 'triangular2',
         'baseMomentum': [0.85, 0.8], 'maxMomentum': 0.95}}]},
    {'name': 'CyclicLR exp_range, no momentum cycling', 'optimizer': ADAM2,
     'schedulers': [{'kind': 'CyclicLR', 'args': [0.001], 'kwargs': {
         'maxLr': 0.006, 'stepSizeUp': 4, 'mode': 'exp_range', 'gamma': 0.98, 'cycleMomentum': False}}]},
    {'name': 'CyclicLR options form', 'optimizer': {'kind': 'RMSprop', 'lrs': [0.1, 0.05], 'momentum': 0.5},
     'schedulers': [{'kind': 'CyclicLR', 'args': [0.02], 'kwargs': {'maxLr': 0.2, 'stepSizeUp': 3}, 'form': 'options'}]},
]

# Errors: Python run in PyTorch with `opt` (SGD, two groups), `adagrad`, `other` (another SGD) and S in scope.
ERRORS = {
    'not-an-optimizer': "S.StepLR(torch.ones(2), 10)",
    'constant-factor': "S.ConstantLR(opt, factor=1.5)",
    'linear-start-factor': "S.LinearLR(opt, start_factor=1.5)",
    'linear-end-factor': "S.LinearLR(opt, end_factor=-0.1)",
    'lambda-count': "S.LambdaLR(opt, [lambda e: 1.0])",
    'resume-without-initial-lr': "S.StepLR(opt, 10, last_epoch=5)",
    'one-cycle-no-steps': "S.OneCycleLR(opt, 1.0)",
    'one-cycle-total-steps': "S.OneCycleLR(opt, 1.0, total_steps=-5)",
    'one-cycle-epochs': "S.OneCycleLR(opt, 1.0, epochs=0, steps_per_epoch=10)",
    'one-cycle-steps-per-epoch': "S.OneCycleLR(opt, 1.0, epochs=3, steps_per_epoch=2.5)",
    'one-cycle-pct-start': "S.OneCycleLR(opt, 1.0, total_steps=10, pct_start=1.5)",
    'one-cycle-anneal': "S.OneCycleLR(opt, 1.0, total_steps=10, anneal_strategy='exp')",
    'warm-restarts-t0': "S.CosineAnnealingWarmRestarts(opt, 0)",
    'warm-restarts-t0-float': "S.CosineAnnealingWarmRestarts(opt, 2.5)",
    'warm-restarts-t-mult': "S.CosineAnnealingWarmRestarts(opt, 2, T_mult=0)",
    'warm-restarts-negative-epoch': "S.CosineAnnealingWarmRestarts(opt, 2).step(-1)",
    'one-cycle-max-lr-count': "S.OneCycleLR(opt, [1.0, 0.5, 0.1], total_steps=10)",
    'one-cycle-no-momentum': "S.OneCycleLR(adagrad, 1.0, total_steps=10)",
    'one-cycle-past-end': """
s = S.OneCycleLR(opt, 1.0, total_steps=10)
for _ in range(11):
    s.step()""",
    'sequential-milestones': "S.SequentialLR(opt, [S.StepLR(opt, 10), S.ExponentialLR(opt, 0.9)], milestones=[5, 10])",
    'sequential-optimizer': "S.SequentialLR(other, [S.StepLR(opt, 10), S.ExponentialLR(opt, 0.9)], milestones=[5])",
    'chained-optimizer': "S.ChainedScheduler([S.StepLR(opt, 10), S.ExponentialLR(other, 0.9)])",
    'plateau-factor': "S.ReduceLROnPlateau(opt, factor=1.0)",
    'plateau-mode': "S.ReduceLROnPlateau(opt, mode='avg')",
    'plateau-threshold-mode': "S.ReduceLROnPlateau(opt, threshold_mode='pct')",
    'plateau-min-lr-count': "S.ReduceLROnPlateau(opt, min_lr=[0.1, 0.2, 0.3])",
    'cyclic-mode': "S.CyclicLR(opt, 0.01, 0.1, mode='sine')",
    'cyclic-no-momentum': "S.CyclicLR(adagrad, 0.01, 0.1)",
    'cyclic-base-lr-count': "S.CyclicLR(opt, [0.01, 0.02, 0.03], 0.1)",
    'cyclic-max-momentum-count': "S.CyclicLR(opt, 0.01, 0.1, max_momentum=[0.9])",
    'cyclic-missing-max-lr': "S.CyclicLR(opt, 0.01)",
}


def run_errors():
    out = {}
    for name, code in ERRORS.items():
        env = {
            'torch': torch, 'S': S,
            'opt': optimizer(SGD2), 'adagrad': optimizer({'kind': 'Adagrad', 'lrs': [0.1, 0.05]}), 'other': optimizer(SGD2),
        }
        try:
            exec(code.strip(), env)  # noqa: S102 - the cases above, nothing else
        except Exception as e:  # noqa: BLE001 - recording whatever PyTorch raises
            message = e.args[0] if isinstance(e, KeyError) else str(e)
            out[name] = {'python': code.strip(), 'error': type(e).__name__, 'message': message}
        else:
            raise AssertionError(f'{name}: PyTorch raised nothing')
    return out


def main():
    import warnings
    warnings.simplefilter('ignore')  # the deprecated step(epoch) path warns on every call
    cases = [run(c) for c in CASES]
    with open(OUT, 'w') as f:
        json.dump({'cases': cases, 'errors': run_errors()}, f, separators=(',', ':'))
    print(f'wrote {len(cases)} schedules and {len(ERRORS)} error cases to {os.path.normpath(OUT)}')


if __name__ == '__main__':
    main()
