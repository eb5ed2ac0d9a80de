/** SGD with momentum, dampening, Nesterov, weight decay and maximize: PyTorch 1.13's single-tensor update. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Optimizer, check, type Group, type Params } from './optimizer.js';

/** SGD's options, by PyTorch's keyword names. */
export interface SGDOptions {
  /** Required, here or in every parameter group (as in PyTorch, SGD has no default learning rate). */
  lr?: number;
  /** The momentum factor (default 0). */
  momentum?: number;
  /** Dampening of the momentum (default 0). */
  dampening?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
  /** Maximise the objective instead of minimising it (default false). */
  maximize?: boolean;
}

type SGDHyper = torch.SgdHyper & {
  foreach: boolean | null;
  differentiable: boolean;
};

/** SGD's per-parameter state: the momentum buffer once a step has run (null without momentum). */
export type SGDState = { momentum_buffer?: Tensor | null };

/**
 * Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay (`torch.optim.SGD`).
 *
 * @example
 * ```ts
 * import { SGD } from '@kindling/optim';
 *
 * const w = torch.tensor([1, 2], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * for (let i = 0; i < 2; i++) {
 *   opt.zeroGrad();
 *   w.pow(2).sum().backward();
 *   opt.step();
 *   console.log(w);
 * }
 * ```
 * ```text
 * tensor([0.8000, 1.6000], requires_grad=True)
 * tensor([0.4600, 0.9200], requires_grad=True)
 * ```
 */
export class SGD extends Optimizer<SGDHyper, SGDState> {
  /** `new SGD(params, { lr, momentum, dampening, weightDecay, nesterov, maximize })`. */
  constructor(params: Params, options?: SGDOptions);
  /** PyTorch's positional order: `new SGD(params, 0.01, 0.9)`. */
  constructor(
    params: Params,
    lr: number,
    momentum?: number,
    dampening?: number,
    weightDecay?: number,
    nesterov?: boolean,
  );
  constructor(params: Params, ...args: unknown[]) {
    const options = torch.compat.pythonArgs<SGDOptions>(
      'SGD',
      ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov'],
      args,
    );
    const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = options;
    check(!(lr !== undefined && lr < 0), 'Invalid learning rate: ', lr);
    check(!(momentum < 0), 'Invalid momentum value: ', momentum);
    check(!(weightDecay < 0), 'Invalid weight_decay value: ', weightDecay);
    check(
      !(nesterov && (momentum <= 0 || dampening !== 0)),
      'Nesterov momentum requires a momentum and zero dampening',
    );
    // An undefined lr is PyTorch's `required`: every group must then give one.
    super(params, {
      lr: lr as number,
      momentum,
      dampening,
      weightDecay,
      nesterov,
      maximize,
      foreach: null,
      differentiable: false,
    });
  }

  /** One step of SGD on one parameter group. */
  protected updateGroup(group: Group<SGDHyper>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const p of group.params) {
      if (p.rawGrad === null) continue;
      const state = this.stateOf(p, () => ({}));
      const previous = state.momentum_buffer ?? null;
      const fresh = momentum !== 0 && previous === null ? torch.emptyLike(p) : previous;
      if (torch._fusedSgdUpdate_(p, p.rawGrad, fresh, group, previous === null)) {
        state.momentum_buffer = momentum !== 0 ? fresh : null;
        continue;
      }
      let dp = maximize ? p.rawGrad.neg() : p.rawGrad;
      if (weightDecay !== 0) dp = dp.add(p, { alpha: weightDecay });
      let buf = state.momentum_buffer ?? null;
      if (momentum !== 0) {
        if (buf === null) buf = dp.clone().detach();
        else buf.mul_(momentum).add_(dp, { alpha: 1 - dampening });
        dp = nesterov ? dp.add(buf, { alpha: momentum }) : buf;
      }
      p.add_(dp, { alpha: -lr });
      // As PyTorch, every parameter that took a step has a `momentum_buffer` entry (None without momentum).
      state.momentum_buffer = buf;
    }
  }
}
