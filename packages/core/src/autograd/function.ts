/**
 * User-defined differentiable ops, as `torch.autograd.Function`:
 *
 *   class Exp extends torch.autograd.Function {
 *     static forward(ctx: FunctionCtx, x: Tensor) { const y = x.exp(); ctx.saveForBackward(y); return y; }
 *     static backward(ctx: FunctionCtx, g: Tensor) { const [y] = ctx.savedTensors; return g.mul(y); }
 *   }
 *   Exp.apply(x)
 *
 * It records through the same `recordOp` as the built-in ops; the node is named `ExpBackward`.
 */
import { Tensor } from '../tensor.js';
import { isGradEnabled, noGrad } from './grad-mode.js';
import { recordOp } from './record.js';

export class FunctionCtx {
  /** Whether each forward argument needs a gradient (false for non-tensors). */
  needsInputGrad: boolean[] = [];
  private toSave: Tensor[] = [];
  private accessors: (() => Tensor)[] | null = null;
  private readonly nonDifferentiable = new Set<Tensor>();
  /** Room for anything else forward wants backward to know (as attributes on PyTorch's ctx). */
  readonly state: Record<string, unknown> = {};

  saveForBackward(...tensors: Tensor[]): void {
    this.toSave = tensors;
  }

  get savedTensors(): Tensor[] {
    return this.accessors ? this.accessors.map((get) => get()) : this.toSave;
  }

  markNonDifferentiable(...tensors: Tensor[]): void {
    for (const t of tensors) this.nonDifferentiable.add(t);
  }

  /** @internal */
  bind(save: (t: Tensor) => () => Tensor): void {
    this.accessors = this.toSave.map(save);
  }

  /** @internal */
  isDifferentiable(t: Tensor): boolean {
    return !this.nonDifferentiable.has(t);
  }
}

type Grads = Tensor | null | undefined | readonly (Tensor | null | undefined)[];

export class Function {
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): Tensor | Tensor[] {
    throw new Error('You must implement the forward function for custom autograd.Function.');
  }

  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): Grads {
    throw new Error(
      'You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.',
    );
  }

  static apply<T extends Tensor | Tensor[]>(this: typeof Function, ...args: unknown[]): T {
    const ctx = new FunctionCtx();
    const inputs = args.map((a) => (a instanceof Tensor ? a : null));
    ctx.needsInputGrad = inputs.map((t) => !!t && t.requiresGrad && isGradEnabled());
    const result = noGrad(() => this.forward(ctx, ...args));
    const list = (Array.isArray(result) ? result : [result]).map((o) =>
      // An input returned as is becomes a new tensor on the same storage, so the input keeps its own history.
      inputs.includes(o) ? o.detach() : o,
    );
    const differentiable = list.filter((o) => ctx.isDifferentiable(o) && o.isFloatingPoint());
    recordOp(
      `${this.name}Backward`,
      inputs,
      differentiable,
      (save) => {
        ctx.bind(save);
        return (grads) => {
          const out = this.backward(ctx, ...grads);
          const arr = Array.isArray(out) ? out : [out];
          if (arr.length !== args.length) {
            throw new Error(
              `function ${this.name}Backward returned an incorrect number of gradients (expected ${args.length}, got ${arr.length})`,
            );
          }
          return arr as (Tensor | null)[];
        };
      },
      false,
    );
    return (Array.isArray(result) ? list : list[0]) as T;
  }
}
