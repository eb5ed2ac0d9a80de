/**
 * The Adam variants: Adamax (the infinity norm in place of the second moment), NAdam (Nesterov momentum) and RAdam
 * (the variance of the adaptive rate rectified). Each is PyTorch 1.13's single-tensor update, operation for
 * operation, with its state under PyTorch's keys.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Optimizer, check, type Group, type Params } from './optimizer.js';
import { checkAdamLike } from './adam.js';

/** The options Adamax, NAdam and RAdam share, by PyTorch's keyword names. */
export interface AdamVariantOptions {
  /** The learning rate (default 2e-3 for Adamax and NAdam, 1e-3 for RAdam). */
  lr?: number;
  /** The decay rates of the running averages (default `[0.9, 0.999]`). */
  betas?: readonly [number, number] | readonly number[];
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
}

/** Adamax's options. */
export interface AdamaxOptions extends AdamVariantOptions {
  /** Maximise the objective instead of minimising it (default false). */
  maximize?: boolean;
}

/** NAdam's options. */
export interface NAdamOptions extends AdamVariantOptions {
  /** How fast the momentum schedule approaches `betas[0]` (default 4e-3). */
  momentumDecay?: number;
}

type VariantHyper = { lr: number; betas: readonly number[]; eps: number; weightDecay: number; foreach: boolean | null };
type AdamaxHyper = VariantHyper & { maximize: boolean };
type NAdamHyper = VariantHyper & { momentumDecay: number };

/**
 * The options from either call form: the shared ones with PyTorch's defaults, checked as PyTorch checks them, in
 * the order that begins each variant's defaults (the state dict lists them in that order), and the variant's own.
 */
function variantOptions<O extends AdamVariantOptions>(
  cls: string,
  names: readonly (keyof O & string)[],
  args: readonly unknown[],
  defaultLr: number,
): { shared: Omit<VariantHyper, 'foreach'>; options: O } {
  const options = torch.compat.pythonArgs<O>(cls, names, args);
  const { lr = defaultLr, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0 } = options;
  checkAdamLike(lr, betas, eps, weightDecay);
  return { shared: { lr, betas: [...betas], eps, weightDecay }, options };
}

/**
 * What the three share: each parameter's state made on its first step, the step counted, the gradient negated with
 * `maximize` (Adamax) and given the L2 penalty, then the variant's own update.
 */
abstract class AdamVariant<H extends VariantHyper, S extends { step: Tensor }> extends Optimizer<H, S> {
  /** A parameter's state before its first step. */
  protected abstract newState(p: Tensor): S;

  /** The variant's update of `p`, at step `step` (counted from 1), from `grad` (weight decay included). */
  protected abstract update(p: Tensor, grad: Tensor, step: number, state: S, group: Group<H>): void;

  /** One step on one parameter group. */
  protected updateGroup(group: Group<H>): void {
    const maximize = (group as Group<H> & { maximize?: boolean }).maximize === true;
    for (const p of group.params) {
      if (p.rawGrad === null) continue;
      const state = this.stateOf(p, () => this.newState(p));
      let grad = maximize ? p.rawGrad.neg() : p.rawGrad;
      const step = state.step.add_(1).item();
      if (group.weightDecay !== 0) grad = grad.add(p, { alpha: group.weightDecay });
      this.update(p, grad, step, state, group);
    }
  }
}

/** Adamax's per-parameter state: `step`, `exp_avg` (the gradients' running mean) and `exp_inf` (their decayed maximum). */
export type AdamaxState = { step: Tensor; exp_avg: Tensor; exp_inf: Tensor };

/**
 * Adamax (`torch.optim.Adamax`): Adam with the infinity norm of past gradients in place of their second moment.
 *
 * @example
 * ```ts
 * import { Adamax } from '@kindling/optim';
 *
 * const w = torch.tensor([1, -1], { requiresGrad: true });
 * const opt = new Adamax([w], { lr: 0.1 });
 * w.pow(2).sum().backward();
 * opt.step();
 * console.log(w);
 * ```
 * ```text
 * tensor([ 0.9000, -0.9000], requires_grad=True)
 * ```
 */
export class Adamax extends AdamVariant<AdamaxHyper, AdamaxState> {
  /** `new Adamax(params, { lr, betas, eps, weightDecay, maximize })`. */
  constructor(params: Params, options?: AdamaxOptions);
  /** PyTorch's positional order: `new Adamax(params, 2e-3, [0.9, 0.999])`. */
  constructor(params: Params, lr: number, betas?: readonly [number, number], eps?: number, weightDecay?: number);
  constructor(params: Params, ...args: unknown[]) {
    const { shared, options } = variantOptions<AdamaxOptions>(
      'Adamax',
      ['lr', 'betas', 'eps', 'weightDecay'],
      args,
      2e-3,
    );
    super(params, { ...shared, foreach: null, maximize: options.maximize ?? false });
  }

  /** A parameter's state before its first step. */
  protected newState(p: Tensor): AdamaxState {
    return { step: torch.tensor(0, { dtype: 'float32' }), exp_avg: torch.zerosLike(p), exp_inf: torch.zerosLike(p) };
  }

  /** Adamax's update. */
  protected update(p: Tensor, grad: Tensor, step: number, state: AdamaxState, group: Group<AdamaxHyper>): void {
    const [beta1, beta2] = group.betas;
    state.exp_avg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
    // The larger of the decayed maximum and |grad| + eps (NaN wins, as PyTorch's amax).
    const decayed = state.exp_inf.mul_(beta2);
    state.exp_inf.copy_(torch.maximum(decayed, grad.abs().add_(group.eps)));
    p.addcdiv_(state.exp_avg, state.exp_inf, { value: -(group.lr / (1 - torch.compat.pyPow(beta1, step))) });
  }
}

/**
 * NAdam's per-parameter state: `step`, `mu_product` (the product of the momentum schedule so far, in float32 as
 * PyTorch keeps it), `exp_avg` and `exp_avg_sq`.
 */
export type NAdamState = { step: Tensor; mu_product: Tensor; exp_avg: Tensor; exp_avg_sq: Tensor };

/** NAdam (`torch.optim.NAdam`): Adam with Nesterov momentum, its momentum warmed up by `momentumDecay`. */
export class NAdam extends AdamVariant<NAdamHyper, NAdamState> {
  /** `new NAdam(params, { lr, betas, eps, weightDecay, momentumDecay })`. */
  constructor(params: Params, options?: NAdamOptions);
  /** PyTorch's positional order: `new NAdam(params, 2e-3, [0.9, 0.999], 1e-8, 0, 4e-3)`. */
  constructor(
    params: Params,
    lr: number,
    betas?: readonly [number, number],
    eps?: number,
    weightDecay?: number,
    momentumDecay?: number,
  );
  constructor(params: Params, ...args: unknown[]) {
    const { shared, options } = variantOptions<NAdamOptions>(
      'NAdam',
      ['lr', 'betas', 'eps', 'weightDecay', 'momentumDecay'],
      args,
      2e-3,
    );
    const momentumDecay = options.momentumDecay ?? 4e-3;
    check(0 <= momentumDecay, 'Invalid momentum_decay value: ', momentumDecay);
    super(params, { ...shared, momentumDecay, foreach: null });
  }

  /** A parameter's state before its first step. */
  protected newState(p: Tensor): NAdamState {
    return {
      step: torch.tensor(0, { dtype: 'float32' }),
      mu_product: torch.tensor(1, { dtype: 'float32' }),
      exp_avg: torch.zerosLike(p),
      exp_avg_sq: torch.zerosLike(p),
    };
  }

  /** NAdam's update. */
  protected update(p: Tensor, grad: Tensor, step: number, state: NAdamState, group: Group<NAdamHyper>): void {
    const { lr, eps, momentumDecay } = group;
    const [beta1, beta2] = group.betas;
    const biasCorrection2 = 1 - torch.compat.pyPow(beta2, step);
    // The momentum schedule μ_t and μ_{t+1}.
    const mu = beta1 * (1 - 0.5 * torch.compat.pyPow(0.96, step * momentumDecay));
    const muNext = beta1 * (1 - 0.5 * torch.compat.pyPow(0.96, (step + 1) * momentumDecay));
    const muProduct = state.mu_product.mul_(mu);
    const muProductNext = muProduct.mul(mu).mul(muNext);
    state.exp_avg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
    state.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
    const denom = state.exp_avg_sq.div(biasCorrection2).sqrt().add_(eps);
    p.addcdiv_(grad, denom, { value: (-lr * (1 - mu)) / (1 - muProduct.item()) });
    p.addcdiv_(state.exp_avg, denom, { value: (-lr * muNext) / (1 - muProductNext.item()) });
  }
}

/** RAdam's per-parameter state: `step`, `exp_avg` and `exp_avg_sq`. */
export type RAdamState = { step: Tensor; exp_avg: Tensor; exp_avg_sq: Tensor };

/**
 * RAdam (`torch.optim.RAdam`): Adam whose adaptive rate is used only once its variance is tractable (the
 * approximated simple moving average's length past 5), rectified by it; plain momentum SGD before that.
 */
export class RAdam extends AdamVariant<VariantHyper, RAdamState> {
  /** `new RAdam(params, { lr, betas, eps, weightDecay })`. */
  constructor(params: Params, options?: AdamVariantOptions);
  /** PyTorch's positional order: `new RAdam(params, 1e-3, [0.9, 0.999])`. */
  constructor(params: Params, lr: number, betas?: readonly [number, number], eps?: number, weightDecay?: number);
  constructor(params: Params, ...args: unknown[]) {
    const { shared } = variantOptions<AdamVariantOptions>('RAdam', ['lr', 'betas', 'eps', 'weightDecay'], args, 1e-3);
    super(params, { ...shared, foreach: null });
  }

  /** A parameter's state before its first step. */
  protected newState(p: Tensor): RAdamState {
    return { step: torch.tensor(0, { dtype: 'float32' }), exp_avg: torch.zerosLike(p), exp_avg_sq: torch.zerosLike(p) };
  }

  /** RAdam's update. */
  protected update(p: Tensor, grad: Tensor, step: number, state: RAdamState, group: Group<VariantHyper>): void {
    const { lr, eps } = group;
    const [beta1, beta2] = group.betas;
    const biasCorrection1 = 1 - torch.compat.pyPow(beta1, step);
    const biasCorrection2 = 1 - torch.compat.pyPow(beta2, step);
    state.exp_avg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
    state.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
    const corrected = state.exp_avg.div(biasCorrection1);
    // The maximum and the current length of the approximated simple moving average.
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = rhoInf - (2 * step * torch.compat.pyPow(beta2, step)) / biasCorrection2;
    if (rhoT > 5) {
      const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
      const adaptiveLr = torch.div(Math.sqrt(biasCorrection2), state.exp_avg_sq.sqrt().add_(eps));
      p.add_(corrected.mul(lr).mul(adaptiveLr).mul(rect), { alpha: -1 });
    } else p.add_(corrected.mul(lr), { alpha: -1 });
  }
}
