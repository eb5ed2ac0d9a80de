/** Adam and AdamW (decoupled weight decay): PyTorch 1.13's single-tensor updates, operation for operation. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Optimizer, check, required, type Group, type Params } from './optimizer.js';

/** Adam's and AdamW's options, by PyTorch's keyword names. */
export interface AdamOptions {
  /** The learning rate (default 1e-3). */
  lr?: number;
  /** The decay rates of the gradient's running mean and of its square's (default `[0.9, 0.999]`). */
  betas?: readonly [number, number] | readonly number[];
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** Weight decay: an L2 penalty for Adam (default 0), decoupled for AdamW (default 1e-2). */
  weightDecay?: number;
  /** Use the maximum of past squared-gradient averages (AMSGrad; default false). */
  amsgrad?: boolean;
  /** Maximise the objective instead of minimising it (default false). */
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

/** Adam's and AdamW's optional arguments, in PyTorch's positional order. */
type AdamPositional = [
  lr: number,
  betas?: readonly [number, number],
  eps?: number,
  weightDecay?: number,
  amsgrad?: boolean,
];
const ADAM_POSITIONAL = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'] as const;

/** PyTorch's checks of the options every Adam-like optimizer takes (Adam, AdamW, Adamax, NAdam, RAdam). */
export function checkAdamLike(lr: number, betas: readonly number[], eps: number, weightDecay: number): void {
  check(0 <= lr, 'Invalid learning rate: ', lr);
  check(0 <= eps, 'Invalid epsilon value: ', eps);
  check(0 <= betas[0] && betas[0] < 1, 'Invalid beta parameter at index 0: ', betas[0]);
  check(0 <= betas[1] && betas[1] < 1, 'Invalid beta parameter at index 1: ', betas[1]);
  check(0 <= weightDecay, 'Invalid weight_decay value: ', weightDecay);
}

/** Adam's or AdamW's options from either call form, with PyTorch's defaults, checked as PyTorch checks them. */
function adamOptions(cls: 'Adam' | 'AdamW', args: readonly unknown[], defaultDecay: number): Required<AdamOptions> {
  const {
    lr = 1e-3,
    betas = [0.9, 0.999],
    eps = 1e-8,
    weightDecay = defaultDecay,
    amsgrad = false,
    maximize = false,
  } = torch.compat.pythonArgs<AdamOptions>(cls, ADAM_POSITIONAL, args);
  checkAdamLike(lr, betas, eps, weightDecay);
  return { lr, betas: [...betas], eps, weightDecay, amsgrad, maximize };
}

/**
 * Adam's and AdamW's per-parameter state, under PyTorch's keys: `step`, `exp_avg` (the gradients' running mean),
 * `exp_avg_sq` (their squares' running mean) and, with amsgrad, `max_exp_avg_sq` (its running maximum).
 */
export type AdamState = { step: Tensor; exp_avg: Tensor; exp_avg_sq: Tensor; max_exp_avg_sq?: Tensor };

abstract class AdamBase<O extends AdamHyper> extends Optimizer<O, AdamState> {
  /** Whether weight decay is decoupled from the gradient (AdamW) or added to it (Adam). */
  protected abstract readonly decoupled: boolean;

  /** One step of Adam on one parameter group. */
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
      const hyper = {
        lr,
        beta1,
        beta2,
        eps,
        weightDecay,
        decoupled: this.decoupled,
        amsgrad,
        maximize,
        step: stepT.item(),
      };
      if (torch._fusedAdamUpdate_(p, p.rawGrad, expAvg, expAvgSq, maxSq, hyper)) continue;
      if (this.decoupled) p.mul_(1 - lr * weightDecay);
      else if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
      const step = stepT.item();
      const biasCorrection1 = 1 - torch.compat.pyPow(beta1, step);
      const biasCorrection2 = 1 - torch.compat.pyPow(beta2, step);
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

type AdamDefaults = AdamHyper & { differentiable: boolean; fused: boolean };

/**
 * Adam (`torch.optim.Adam`): per-parameter step sizes from running averages of the gradient and its square.
 *
 * @example
 * ```ts
 * import { Adam } from '@kindling/optim';
 *
 * const w = torch.tensor([1, -1], { requiresGrad: true });
 * const opt = new Adam([w], { lr: 0.1 });
 * w.pow(2).sum().backward();
 * opt.step();
 * console.log(w);
 * console.log(Object.keys(opt.state.get(w)!));
 * ```
 * ```text
 * tensor([ 0.9000, -0.9000], requires_grad=True)
 * [ 'step', 'exp_avg', 'exp_avg_sq' ]
 * ```
 */
export class Adam extends AdamBase<AdamDefaults> {
  /** Adam adds weight decay to the gradient. */
  protected readonly decoupled = false;

  /** `new Adam(params, { lr, betas, eps, weightDecay, amsgrad, maximize })`. */
  constructor(params: Params, options?: AdamOptions);
  /** PyTorch's positional order: `new Adam(params, 1e-3, [0.9, 0.999])`. */
  constructor(params: Params, ...positional: AdamPositional);
  constructor(params: Params, ...args: unknown[]) {
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = adamOptions('Adam', args, 0);
    // PyTorch 1.13's defaults, in its order (the state dict lists them so).
    super(params, {
      lr,
      betas,
      eps,
      weightDecay,
      amsgrad,
      maximize,
      foreach: null,
      capturable: false,
      differentiable: false,
      fused: false,
    });
  }
}

/**
 * AdamW (`torch.optim.AdamW`): Adam with weight decay applied to the weights directly (default 1e-2).
 *
 * @example
 * ```ts
 * import { AdamW } from '@kindling/optim';
 *
 * const w = torch.tensor([1, -1], { requiresGrad: true });
 * const opt = new AdamW([w], { lr: 0.1, weightDecay: 0.5 });
 * w.pow(2).sum().backward();
 * opt.step();
 * console.log(w);
 * ```
 * ```text
 * tensor([ 0.8500, -0.8500], requires_grad=True)
 * ```
 */
export class AdamW extends AdamBase<AdamHyper> {
  /** AdamW decays the weights directly. */
  protected readonly decoupled = true;

  /** `new AdamW(params, { lr, betas, eps, weightDecay, amsgrad, maximize })`. */
  constructor(params: Params, options?: AdamOptions);
  /** PyTorch's positional order: `new AdamW(params, 1e-3, [0.9, 0.999], 1e-8, 0.01)`. */
  constructor(params: Params, ...positional: AdamPositional);
  constructor(params: Params, ...args: unknown[]) {
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = adamOptions('AdamW', args, 1e-2);
    super(params, { lr, betas, eps, weightDecay, amsgrad, foreach: null, maximize, capturable: false });
  }
}
