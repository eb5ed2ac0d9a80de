/** Rprop: PyTorch 1.13's single-tensor update, operation for operation. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Optimizer, check, type Group, type Params } from './optimizer.js';
import { pyFloat } from './python.js';

/** Rprop's options, by PyTorch's keyword names. */
export interface RpropOptions {
  /** The starting step size of every element (default 1e-2). */
  lr?: number;
  /** `[etaminus, etaplus]`: how a step size shrinks when the gradient changes sign, and grows when not (default [0.5, 1.2]). */
  etas?: readonly [number, number];
  /** `[min, max]`: the bounds of the step sizes (default [1e-6, 50]). */
  stepSizes?: readonly [number, number];
  /** Maximise the objective instead of minimising it (default false). */
  maximize?: boolean;
}

type RpropHyper = {
  lr: number;
  etas: readonly [number, number];
  stepSizes: readonly [number, number];
  foreach: boolean | null;
  maximize: boolean;
};

/** Rprop's per-parameter state: `step`, the last gradient used (`prev`) and each element's `step_size`. */
export type RpropState = { step: number; prev: Tensor; step_size: Tensor };

/**
 * Resilient backpropagation (`torch.optim.Rprop`): each element moves by its own step size in the direction of its
 * gradient's sign; the step size grows while the sign holds and shrinks when it flips (full-batch training).
 *
 * @example
 * ```ts
 * import { Rprop } from '@kindling/optim';
 *
 * const w = torch.tensor([1, -2], { requiresGrad: true });
 * const opt = new Rprop([w], { lr: 0.1 });
 * for (let i = 0; i < 3; i++) {
 *   opt.zeroGrad();
 *   w.pow(2).sum().backward();
 *   opt.step();
 * }
 * console.log(w);
 * ```
 * ```text
 * tensor([ 0.6360, -1.6360], requires_grad=True)
 * ```
 */
export class Rprop extends Optimizer<RpropHyper, RpropState> {
  /** `new Rprop(params, { lr, etas, stepSizes, maximize })`. */
  constructor(params: Params, options?: RpropOptions);
  /** PyTorch's positional order: `new Rprop(params, 0.01, [0.5, 1.2], [1e-6, 50])`. */
  constructor(params: Params, lr: number, etas?: readonly [number, number], stepSizes?: readonly [number, number]);
  constructor(params: Params, ...args: unknown[]) {
    const options = torch.compat.pythonArgs<RpropOptions>('Rprop', ['lr', 'etas', 'stepSizes'], args);
    const { lr = 1e-2, etas = [0.5, 1.2], stepSizes = [1e-6, 50], maximize = false } = options;
    check(0 <= lr, 'Invalid learning rate: ', lr);
    if (!(0 < etas[0] && etas[0] < 1 && 1 < etas[1]))
      throw new torch.ValueError(`Invalid eta values: ${pyFloat(etas[0])}, ${pyFloat(etas[1])}`);
    super(params, { lr, etas: [etas[0], etas[1]], stepSizes: [stepSizes[0], stepSizes[1]], foreach: null, maximize });
  }

  /** One step of Rprop on one parameter group. */
  protected updateGroup(group: Group<RpropHyper>): void {
    const [etaminus, etaplus] = group.etas;
    const [stepSizeMin, stepSizeMax] = group.stepSizes;
    for (const p of group.params) {
      if (p.rawGrad === null) continue;
      const raw = p.rawGrad;
      const state = this.stateOf(p, () => ({
        step: 0,
        prev: torch.zerosLike(p),
        step_size: torch.fullLike(raw, group.lr),
      }));
      state.step += 1;
      let grad = group.maximize ? raw.neg() : raw;
      // Each step size times etaplus where the gradient kept its sign, etaminus where it flipped, 1 where it is 0.
      const sign = grad.mul(state.prev).sign();
      sign.maskedFill_(sign.gt(0), etaplus).maskedFill_(sign.lt(0), etaminus).maskedFill_(sign.eq(0), 1);
      state.step_size.mul_(sign).clamp_(stepSizeMin, stepSizeMax);
      // Where the sign flipped the element does not move, and the next step sees no sign to compare.
      grad = grad.clone().maskedFill_(sign.eq(etaminus), 0);
      p.addcmul_(grad.sign(), state.step_size, { value: -1 });
      state.prev.copy_(grad);
    }
  }
}
