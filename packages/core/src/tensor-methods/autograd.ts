/**
 * The autograd methods (`t.backward()`, `t.registerHook(fn)`, `t.detach()`, `t.requiresGrad_()`); the state they
 * act on (`requiresGrad`, `grad`, `gradFn`) is the class's own. tensor.ts merges this class into Tensor's type and
 * installs its methods.
 */
import { trailingOptions } from '../python-args.js';
import type { TensorHook } from '../autograd/node.js';
import * as A from '../autograd/tensor-autograd.js';
import * as V from '../ops/view.js';
import { Tensor } from '../tensor.js';
import type { BackwardOptions, HookHandle } from '../tensor-types.js';

export class AutogradMethods {
  /**
   * Sets `requiresGrad` in place and returns this tensor (`requires_grad_()`).
   *
   * @example
   * ```ts
   * const w = torch.zeros(3).requiresGrad_();
   * console.log(w);
   * ```
   * ```text
   * tensor([0., 0., 0.], requires_grad=True)
   * ```
   */
  requiresGrad_<T extends Tensor>(this: T, flag = true): T {
    A.setRequiresGrad(this, flag, 'method');
    return this;
  }
  /**
   * Registers `hook(grad)`, called with this tensor's gradient during backward; it may return a replacement (`register_hook`).
   *
   * @example
   * ```ts
   * const x = torch.tensor([1, 2], { requiresGrad: true });
   * const handle = x.registerHook((g) => g.mul(10));
   * x.sum().backward();
   * console.log(x.grad);
   * handle.remove();
   * ```
   * ```text
   * tensor([10., 10.])
   * ```
   */
  registerHook(this: Tensor, hook: TensorHook): HookHandle {
    return A.registerHook(this, hook);
  }
  /**
   * `backward()`, `backward(gradient, { retainGraph, createGraph, inputs })`, or `backward({ retainGraph })`; or in
   * PyTorch's positional order, `backward(gradient, retainGraph, createGraph)`.
   *
   * @example
   * ```ts
   * const x = torch.tensor([2, 3], { requiresGrad: true });
   * const y = x.mul(x).sum();
   * y.backward();
   * console.log(x.grad);
   * ```
   * ```text
   * tensor([4., 6.])
   * ```
   */
  backward(this: Tensor, gradient?: Tensor | BackwardOptions | null, options?: BackwardOptions): void;
  backward(this: Tensor, gradient: Tensor | null | undefined, retainGraph?: boolean, createGraph?: boolean): void;
  backward(this: Tensor, gradient?: Tensor | BackwardOptions | null, ...rest: unknown[]): void {
    const names = ['retainGraph', 'createGraph', 'inputs'] as const;
    const options = trailingOptions<BackwardOptions>('Tensor.backward', names, rest, 2, 1);
    if (gradient != null && !(gradient instanceof Tensor)) A.backward(this, null, { ...gradient, ...options });
    else A.backward(this, gradient ?? null, options);
  }
  /**
   * A tensor sharing this one's storage, cut from the graph (`requiresGrad` false).
   *
   * @example
   * ```ts
   * const x = torch.ones(2, { requiresGrad: true });
   * console.log(x.mul(2).detach());
   * ```
   * ```text
   * tensor([2., 2.])
   * ```
   */
  detach(this: Tensor): Tensor {
    return V.detach(this);
  }
}
