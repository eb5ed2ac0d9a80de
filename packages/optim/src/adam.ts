/** Adam and AdamW (decoupled weight decay): PyTorch 1.13's single-tensor updates, operation for operation. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Optimizer, check, required, type Group, type Params } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number] | readonly number[];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

type AdamHyper = {
  lr: number;
  betas: readonly number[];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  foreach: boolean | null;
  capturable: boolean;
};

function validate(options: AdamOptions, defaultDecay: number): Required<AdamOptions> {
  const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = defaultDecay, amsgrad = false, maximize = false } = options;
  check(0 <= lr, 'Invalid learning rate: ', lr);
  check(0 <= eps, 'Invalid epsilon value: ', eps);
  check(0 <= betas[0] && betas[0] < 1, 'Invalid beta parameter at index 0: ', betas[0]);
  check(0 <= betas[1] && betas[1] < 1, 'Invalid beta parameter at index 1: ', betas[1]);
  check(0 <= weightDecay, 'Invalid weight_decay value: ', weightDecay);
  return { lr, betas: [...betas], eps, weightDecay, amsgrad, maximize };
}

/** Adam's and AdamW's per-parameter state (`max_exp_avg_sq` with amsgrad). */
export type AdamState = { step: Tensor; exp_avg: Tensor; exp_avg_sq: Tensor; max_exp_avg_sq?: Tensor };

abstract class AdamBase<O extends AdamHyper> extends Optimizer<O, AdamState> {
  protected abstract readonly decoupled: boolean;

  protected updateGroup(group: Group<O>): void {
    const { lr, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = group.betas;
    for (const p of group.params) {
      if (p.rawGrad === null) continue;
      let grad = maximize ? p.rawGrad.neg() : p.rawGrad;
      const state = this.stateOf(p, () => ({
        step: torch.tensor(0, { dtype: 'float32' }),
        exp_avg: torch.zerosLike(p),
        exp_avg_sq: torch.zerosLike(p),
        ...(amsgrad ? { max_exp_avg_sq: torch.zerosLike(p) } : {}),
      }));
      const { step: stepT, exp_avg: expAvg, exp_avg_sq: expAvgSq } = state;
      // As PyTorch, a loaded state without the amsgrad buffer fails before the step count moves.
      const maxSq = amsgrad ? required(state.max_exp_avg_sq, 'max_exp_avg_sq') : null;
      stepT.add_(1);
      const hyper = { lr, beta1, beta2, eps, weightDecay, decoupled: this.decoupled, amsgrad, maximize, step: stepT.item() };
      if (torch._fusedAdamUpdate_(p, p.rawGrad, expAvg, expAvgSq, maxSq, hyper)) continue;
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
      if (maxSq !== null) {
        maxSq.copy_(torch.maximum(maxSq, expAvgSq));
        second = maxSq;
      }
      const denom = second.sqrt().div(biasCorrection2Sqrt).add_(eps);
      p.addcdiv_(expAvg, denom, { value: -stepSize });
    }
  }
}

const ADAM_POSITIONAL = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'] as const;

type AdamDefaults = AdamHyper & { differentiable: boolean; fused: boolean };

export class Adam extends AdamBase<AdamDefaults> {
  protected readonly decoupled = false;

  constructor(params: Params, options?: AdamOptions);
  /** PyTorch's positional order: `new Adam(params, 1e-3, [0.9, 0.999])`. */
  constructor(params: Params, lr: number, betas?: readonly [number, number], eps?: number, weightDecay?: number, amsgrad?: boolean);
  constructor(params: Params, ...args: unknown[]) {
    const o = validate(torch.compat.pythonArgs<AdamOptions>('Adam', ADAM_POSITIONAL, args), 0);
    // PyTorch 1.13's defaults, in its order (the state dict lists them so).
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = o;
    super(params, { lr, betas, eps, weightDecay, amsgrad, maximize, foreach: null, capturable: false, differentiable: false, fused: false });
  }
}

export class AdamW extends AdamBase<AdamHyper> {
  protected readonly decoupled = true;

  constructor(params: Params, options?: AdamOptions);
  /** PyTorch's positional order: `new AdamW(params, 1e-3, [0.9, 0.999], 1e-8, 0.01)`. */
  constructor(params: Params, lr: number, betas?: readonly [number, number], eps?: number, weightDecay?: number, amsgrad?: boolean);
  constructor(params: Params, ...args: unknown[]) {
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = validate(torch.compat.pythonArgs<AdamOptions>('AdamW', ADAM_POSITIONAL, args), 1e-2);
    super(params, { lr, betas, eps, weightDecay, amsgrad, foreach: null, maximize, capturable: false });
  }
}
