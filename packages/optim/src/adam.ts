/** Adam and AdamW (decoupled weight decay): PyTorch 1.13's single-tensor updates, operation for operation. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Optimizer, check, type Params } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

type AdamHyper = { lr: number; betas: readonly number[]; eps: number; weightDecay: number; amsgrad: boolean; maximize: boolean };

function validate(options: AdamOptions, defaultDecay: number): AdamHyper {
  const lr = options.lr ?? 1e-3;
  const betas = options.betas ?? [0.9, 0.999];
  const eps = options.eps ?? 1e-8;
  const weightDecay = options.weightDecay ?? defaultDecay;
  check(lr >= 0, `Invalid learning rate: ${lr}`);
  check(eps >= 0, `Invalid epsilon value: ${eps}`);
  check(betas[0] >= 0 && betas[0] < 1, `Invalid beta parameter at index 0: ${betas[0]}`);
  check(betas[1] >= 0 && betas[1] < 1, `Invalid beta parameter at index 1: ${betas[1]}`);
  check(weightDecay >= 0, `Invalid weight_decay value: ${weightDecay}`);
  return { lr, betas, eps, weightDecay, amsgrad: options.amsgrad ?? false, maximize: options.maximize ?? false };
}

abstract class AdamBase extends Optimizer<AdamHyper> {
  protected abstract readonly decoupled: boolean;

  protected updateGroup(group: AdamHyper & { params: Tensor[] }): void {
    const { lr, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = group.betas;
    for (const p of group.params) {
      if (p.grad === null) continue;
      let grad = maximize ? p.grad.neg() : p.grad;
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = torch.tensor(0, { dtype: 'float32' });
        state.exp_avg = torch.zerosLike(p);
        state.exp_avg_sq = torch.zerosLike(p);
        if (amsgrad) state.max_exp_avg_sq = torch.zerosLike(p);
      }
      const stepT = state.step as Tensor;
      const expAvg = state.exp_avg as Tensor;
      const expAvgSq = state.exp_avg_sq as Tensor;
      stepT.add_(1);
      if (this.decoupled) p.mul_(1 - lr * weightDecay);
      else if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
      const step = stepT.item();
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2 = 1 - beta2 ** step;
      const stepSize = lr / biasCorrection1;
      const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
      let second = expAvgSq;
      if (amsgrad) {
        const maxSq = state.max_exp_avg_sq as Tensor;
        maxSq.copy_(torch.maximum(maxSq, expAvgSq));
        second = maxSq;
      }
      const denom = second.sqrt().div(biasCorrection2Sqrt).add_(eps);
      p.addcdiv_(expAvg, denom, { value: -stepSize });
    }
  }
}

export class Adam extends AdamBase {
  protected readonly decoupled = false;

  constructor(params: Params, options: AdamOptions = {}) {
    super(params, validate(options, 0));
  }
}

export class AdamW extends AdamBase {
  protected readonly decoupled = true;

  constructor(params: Params, options: AdamOptions = {}) {
    super(params, validate(options, 1e-2));
  }
}
