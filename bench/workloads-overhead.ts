/**
 * Framework-overhead workloads: many ops on small tensors, where the time is the framework's own per-op cost
 * (argument handling, allocation, recording, the engine) rather than arithmetic. bench/torch_workloads.py has
 * PyTorch's.
 */
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { SGD } from '@kindling/optim';
import type { Workload } from './workloads.js';

/** W5: 1000 small elementwise ops on [16] tensors, forward + backward (framework overhead). */
export function w5SmallOps(): Workload {
  return {
    name: 'W5 1000 ops on [16] fwd+bwd',
    quick: true,
    timing: {},
    setup: () => {
      torch.manualSeed(0);
      const x = torch.randn([16], { requiresGrad: true });
      const w = torch.randn(16);
      return () => {
        let y = x;
        for (let i = 0; i < 250; i++) y = y.mul(w).add(1).tanh().sub(0.5);
        y.sum().backward();
        x.grad = null;
      };
    },
  };
}

/** 100 batch-1 forward passes of a 784→256→10 MLP under noGrad (per-sample inference). */
export function batch1Mlp(): Workload {
  return {
    name: 'MLP 784-256-10 batch-1 eval x100',
    quick: true,
    timing: {},
    setup: () => {
      torch.manualSeed(0);
      const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
      model.eval();
      const x = torch.randn(1, 784);
      return () =>
        torch.noGrad(() => {
          for (let i = 0; i < 100; i++) model.forward(x);
        });
    },
  };
}

/** 100 SGD-momentum steps over 200 parameters of [16, 16] (an optimizer over many small tensors). */
export function sgdSmallParams(): Workload {
  return {
    name: 'SGD momentum x100 over 200 [16,16] params',
    quick: true,
    timing: {},
    setup: () => {
      torch.manualSeed(0);
      const params = Array.from({ length: 200 }, () => {
        const p = new nn.Parameter(torch.randn(16, 16));
        p.grad = torch.randn(16, 16);
        return p;
      });
      const opt = new SGD(params, { lr: 0.01, momentum: 0.9 });
      return () => {
        for (let i = 0; i < 100; i++) opt.step();
      };
    },
  };
}
