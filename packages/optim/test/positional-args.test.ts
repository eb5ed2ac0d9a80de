// PyTorch's positional constructor arguments, as ported code passes them: the same groups and schedules as the
// options-object form, and Python's TypeErrors (PyTorch 1.13's text) for too many arguments or one given twice.
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { Adadelta, Adagrad, Adam, AdamW, RMSprop, SGD, lrScheduler } from '@kindling/optim';

const params = (): torch.Tensor[] => [torch.ones(2, { requiresGrad: true })];

describe('optimizers take PyTorch positional arguments', () => {
  it('in PyTorch order, the same as the options object', () => {
    const hyper = (o: { paramGroups: Record<string, unknown>[] }): Record<string, unknown> => {
      const { params: _p, ...rest } = o.paramGroups[0];
      return rest;
    };
    expect(hyper(new SGD(params(), 0.1, 0.9, 0.1, 0.01))).toEqual(
      hyper(new SGD(params(), { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 })),
    );
    expect(hyper(new Adam(params(), 0.01, [0.8, 0.9], 1e-6))).toEqual(
      hyper(new Adam(params(), { lr: 0.01, betas: [0.8, 0.9], eps: 1e-6 })),
    );
    expect(hyper(new AdamW(params(), 0.01, [0.8, 0.9], 1e-6, 0.1, true))).toEqual(
      hyper(new AdamW(params(), { lr: 0.01, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0.1, amsgrad: true })),
    );
    expect(hyper(new RMSprop(params(), 0.01, 0.9, 1e-6, 0, 0.5, true))).toEqual(
      hyper(new RMSprop(params(), { lr: 0.01, alpha: 0.9, eps: 1e-6, momentum: 0.5, centered: true })),
    );
    expect(hyper(new Adagrad(params(), 0.1, 0.01))).toEqual(hyper(new Adagrad(params(), { lr: 0.1, lrDecay: 0.01 })));
    expect(hyper(new Adadelta(params(), 0.5, 0.8))).toEqual(hyper(new Adadelta(params(), { lr: 0.5, rho: 0.8 })));
  });

  it("with Python's errors for too many arguments and an argument given twice", () => {
    const call =
      (...args: unknown[]) =>
      () =>
        new (SGD as unknown as new (...a: unknown[]) => SGD)(params(), ...args);
    // PyTorch 1.13: SGD(p, 0.1, 0.9, 0, 0, False, 1) and SGD(p, 0.1, lr=0.2)
    expect(call(0.1, 0.9, 0, 0, false, 1)).toThrow(
      new torch.TorchTypeError('SGD.__init__() takes from 2 to 7 positional arguments but 8 were given'),
    );
    expect(call(0.1, { lr: 0.2 })).toThrow(
      new torch.TorchTypeError("SGD.__init__() got multiple values for argument 'lr'"),
    );
    expect(
      new (SGD as unknown as new (...a: unknown[]) => SGD)(params(), 0.1, { momentum: 0.9 }).paramGroups[0].momentum,
    ).toBe(0.9);
  });
});

describe('Optimizer.zeroGrad', () => {
  it('takes set_to_none positionally too: zeroGrad(false) zeroes the gradients in place', () => {
    const ps = params();
    const opt = new SGD(ps, { lr: 0.1 });
    ps[0].sum().mul(3).backward();
    const grad = ps[0].grad;
    opt.zeroGrad(false);
    expect(ps[0].grad).toBe(grad);
    expect(ps[0].grad?.tolist()).toEqual([0, 0]);
    opt.zeroGrad();
    expect(ps[0].grad).toBeNull();
  });
});

describe('LR schedulers take PyTorch positional arguments', () => {
  it('StepLR(opt, 7, 0.5), MultiStepLR, ExponentialLR, CosineAnnealingLR, ConstantLR, LinearLR, ReduceLROnPlateau', () => {
    const opt = new SGD(params(), 0.1);
    expect(new lrScheduler.StepLR(opt, 7, 0.5).gamma).toBe(0.5);
    expect(new lrScheduler.MultiStepLR(opt, [2, 4], 0.5).gamma).toBe(0.5);
    expect(new lrScheduler.CosineAnnealingLR(opt, 10, 0.001).etaMin).toBe(0.001);
    expect(new lrScheduler.ConstantLR(opt, 0.5, 3).factor).toBe(0.5);
    expect(new lrScheduler.LinearLR(opt, 0.25, 1, 4).startFactor).toBe(0.25);
    expect(new lrScheduler.ReduceLROnPlateau(opt, 'max', 0.5, 3).patience).toBe(3);
    expect(new lrScheduler.StepLR(opt, 7, { gamma: 0.25 }).gamma).toBe(0.25);
    const tooMany = () =>
      new (lrScheduler.StepLR as unknown as new (...a: unknown[]) => unknown)(opt, 7, 0.5, -1, false, 1);
    // PyTorch 1.13: StepLR(opt, 7, 0.5, -1, False, 1)
    expect(tooMany).toThrow(
      new torch.TorchTypeError('StepLR.__init__() takes from 3 to 6 positional arguments but 7 were given'),
    );
  });
});

describe("options in Python's spelling", () => {
  it('are a TypeError that names the camelCase key, not a setting silently ignored', () => {
    const untypedSGD = SGD as unknown as new (...args: unknown[]) => SGD;
    expect(() => new untypedSGD(params(), { lr: 0.1, weight_decay: 1e-4 })).toThrow(
      new torch.TorchTypeError(
        "SGD.__init__() got an unexpected keyword argument 'weight_decay': Kindling spells it 'weightDecay'",
      ),
    );
    expect(() => new SGD([{ params: params(), weight_decay: 0 } as never], { lr: 0.1, weightDecay: 1e-4 })).toThrow(
      new torch.TorchTypeError("param group key 'weight_decay': Kindling spells it 'weightDecay'"),
    );
    const custom = new SGD([{ params: params(), layer_name: 'head' } as never], { lr: 0.1 });
    expect((custom.paramGroups[0] as Record<string, unknown>).layer_name).toBe('head');
    const untypedStepLR = lrScheduler.StepLR as unknown as new (...args: unknown[]) => lrScheduler.StepLR;
    expect(() => new untypedStepLR(new SGD(params(), { lr: 1 }), { step_size: 2 })).toThrow(
      new torch.TorchTypeError(
        "StepLR.__init__() got an unexpected keyword argument 'step_size': Kindling spells it 'stepSize'",
      ),
    );
  });
});
