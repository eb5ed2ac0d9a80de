/** SGD with momentum, dampening, Nesterov, weight decay and maximize: PyTorch 1.13's single-tensor update. */
import type { Tensor } from '@kindling/core';
import { Optimizer, check, type Params } from './optimizer.js';

export interface SGDOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

type SGDHyper = { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean; maximize: boolean };

export class SGD extends Optimizer<SGDHyper> {
  constructor(params: Params, options: SGDOptions = {}) {
    const lr = options.lr ?? 1e-3;
    const momentum = options.momentum ?? 0;
    const dampening = options.dampening ?? 0;
    const weightDecay = options.weightDecay ?? 0;
    const nesterov = options.nesterov ?? false;
    check(lr >= 0, `Invalid learning rate: ${lr}`);
    check(momentum >= 0, `Invalid momentum value: ${momentum}`);
    check(weightDecay >= 0, `Invalid weight_decay value: ${weightDecay}`);
    check(!nesterov || (momentum > 0 && dampening === 0), 'Nesterov momentum requires a momentum and zero dampening');
    super(params, { lr, momentum, dampening, weightDecay, nesterov, maximize: options.maximize ?? false });
  }

  protected updateGroup(group: SGDHyper & { params: Tensor[] }): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const p of group.params) {
      if (p.grad === null) continue;
      let dp = maximize ? p.grad.neg() : p.grad;
      if (weightDecay !== 0) dp = dp.add(p, { alpha: weightDecay });
      if (momentum !== 0) {
        const state = this.stateOf(p);
        let buf = state.momentum_buffer ?? null;
        if (buf === null) {
          buf = dp.clone().detach();
          state.momentum_buffer = buf;
        } else buf.mul_(momentum).add_(dp, { alpha: 1 - dampening });
        dp = nesterov ? dp.add(buf, { alpha: momentum }) : buf;
      }
      p.add_(dp, { alpha: -lr });
    }
  }
}
