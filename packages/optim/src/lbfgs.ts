/**
 * L-BFGS (`torch.optim.LBFGS`): PyTorch 1.13's algorithm step for step — the two-loop recursion over the last
 * `historySize` updates, a fixed step or its strong-Wolfe line search, and its stopping rules — with its state under
 * PyTorch's keys on the first parameter.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Optimizer, type Group, type Params } from './optimizer.js';
import { strongWolfe } from './lbfgs-line-search.js';

/** LBFGS's options, by PyTorch's keyword names. */
export interface LBFGSOptions {
  /** The step length (default 1). */
  lr?: number;
  /** Iterations per `step()` (default 20). */
  maxIter?: number;
  /** Function evaluations per `step()` (default maxIter · 5 / 4, floored). */
  maxEval?: number | null;
  /** Stop when every gradient element is at most this in size (default 1e-7). */
  toleranceGrad?: number;
  /** Stop when the loss or the parameters change less than this (default 1e-9). */
  toleranceChange?: number;
  /** How many past updates approximate the inverse Hessian (default 100). */
  historySize?: number;
  /** `'strong_wolfe'`, or null for a fixed step (default). */
  lineSearchFn?: 'strong_wolfe' | null;
}

type LBFGSHyper = {
  lr: number;
  maxIter: number;
  maxEval: number;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  lineSearchFn: string | null;
};

/** A value PyTorch keeps as a 0-d tensor or a Python number, as a number. */
const num = (v: Tensor | number): number => (typeof v === 'number' ? v : v.item());

/**
 * Limited-memory BFGS (`torch.optim.LBFGS`). `step(closure)` runs up to `maxIter` iterations, each re-evaluating
 * the model through `closure` (which zeroes the gradients, computes the loss, calls `backward()` and returns the
 * loss); one parameter group only.
 *
 * @example
 * ```ts
 * import { LBFGS } from '@kindling/optim';
 *
 * const w = torch.tensor([1.5, -0.5], { dtype: 'float64', requiresGrad: true });
 * const opt = new LBFGS([w], { lineSearchFn: 'strong_wolfe' });
 * // Rosenbrock's function, minimised at (1, 1).
 * const closure = (): torch.Tensor => {
 *   opt.zeroGrad();
 *   const [x, y] = [w.select(0, 0), w.select(0, 1)];
 *   const loss = x.neg().add(1).pow(2).add(y.sub(x.pow(2)).pow(2).mul(100));
 *   loss.backward();
 *   return loss;
 * };
 * for (let i = 0; i < 3; i++) opt.step(closure);
 * console.log((w.detach().tolist() as number[]).map((v) => v.toFixed(4)));
 * ```
 * ```text
 * [ '1.0000', '1.0000' ]
 * ```
 */
export class LBFGS extends Optimizer<LBFGSHyper> {
  /** `new LBFGS(params, { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn })`. */
  constructor(params: Params, options?: LBFGSOptions);
  /** PyTorch's positional order: `new LBFGS(params, 1, 20)`. */
  constructor(
    params: Params,
    lr?: number,
    maxIter?: number,
    maxEval?: number | null,
    toleranceGrad?: number,
    toleranceChange?: number,
    historySize?: number,
    lineSearchFn?: 'strong_wolfe' | null,
  );
  constructor(params: Params, ...args: unknown[]) {
    const o = torch.compat.pythonArgs<LBFGSOptions>(
      'LBFGS',
      ['lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearchFn'],
      args,
    );
    const maxIter = o.maxIter ?? 20;
    super(params, {
      lr: o.lr ?? 1,
      maxIter,
      maxEval: o.maxEval ?? Math.floor((maxIter * 5) / 4),
      toleranceGrad: o.toleranceGrad ?? 1e-7,
      toleranceChange: o.toleranceChange ?? 1e-9,
      historySize: o.historySize ?? 100,
      lineSearchFn: o.lineSearchFn ?? null,
    });
    if (this.paramGroups.length !== 1)
      throw new torch.ValueError("LBFGS doesn't support per-parameter options (parameter groups)");
  }

  /** Unused: LBFGS's `step` runs its own loop over the one group. */
  protected updateGroup(_group: Group<LBFGSHyper>): void {
    throw new torch.RuntimeError('LBFGS.step() needs the closure');
  }

  private get params(): Tensor[] {
    return this.paramGroups[0].params;
  }

  /** Every parameter's gradient, flattened into one vector (zeros for a parameter without one). */
  private flatGrad(): Tensor {
    return torch.cat(
      this.params.map((p) => (p.grad ? p.grad.reshape(-1) : torch.zeros([p.numel()], { dtype: p.dtype }))),
      0,
    );
  }

  /** p += stepSize · (p's slice of `update`), for every parameter in order. */
  private addGrad(stepSize: number, update: Tensor): void {
    let offset = 0;
    for (const p of this.params) {
      const n = p.numel();
      p.add_(update.slice(0, offset, offset + n).view(p.shape), { alpha: stepSize });
      offset += n;
    }
  }

  /** The loss and flat gradient at x + t·d, the parameters then set back to `x`. */
  private directionalEvaluate(closure: () => Tensor, x: Tensor[], t: number, d: Tensor): [number, Tensor] {
    this.addGrad(t, d);
    const loss = torch.enableGrad(closure).item();
    const flat = this.flatGrad();
    this.params.forEach((p, i) => p.copy_(x[i]));
    return [loss, flat];
  }

  /**
   * Up to `maxIter` iterations of L-BFGS, each evaluating the model through `closure`; returns the loss the first
   * evaluation gave.
   */
  override step(closure?: () => Tensor): Tensor {
    if (closure === undefined)
      throw new torch.TorchTypeError("step() missing 1 required positional argument: 'closure'");
    return torch.noGrad(() => this.iterate(closure));
  }

  private iterate(closure: () => Tensor): Tensor {
    const group = this.paramGroups[0];
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = group;
    const round = this.params[0].dtype === 'float32' ? Math.fround : (v: number): number => v;
    const state = this.state.get(this.params[0]) ?? {};
    this.state.set(this.params[0], state);
    state.func_evals ??= 0;
    state.n_iter ??= 0;
    const origLoss = torch.enableGrad(closure);
    let loss = origLoss.item();
    let currentEvals = 1;
    state.func_evals = (state.func_evals as number) + 1;
    let flatGrad = this.flatGrad();
    let optCond = flatGrad.abs().max().item() <= toleranceGrad;
    if (optCond) return origLoss;

    let d = (state.d ?? null) as Tensor | null;
    let t = (state.t ?? null) as Tensor | number | null;
    let oldDirs = (state.old_dirs ?? []) as Tensor[];
    let oldStps = (state.old_stps ?? []) as Tensor[];
    let ro = (state.ro ?? []) as Tensor[];
    let hDiag = (state.H_diag ?? 1) as Tensor | number;
    let prevFlatGrad = (state.prev_flat_grad ?? null) as Tensor | null;
    let prevLoss = (state.prev_loss ?? null) as number | null;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      state.n_iter = (state.n_iter as number) + 1;
      if (state.n_iter === 1) {
        d = flatGrad.neg();
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        // The update's curvature pair (y, s), kept when y·s is positive enough; the two-loop recursion then gives d.
        const y = flatGrad.sub(prevFlatGrad as Tensor);
        const s = (d as Tensor).mul(t as Tensor | number);
        const ys = y.dot(s);
        if (ys.item() > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(torch.tensor(1, { dtype: ys.dtype }).div(ys));
          hDiag = ys.div(y.dot(y));
        }
        state.al ??= new Array<null>(historySize).fill(null);
        const al = state.al as (Tensor | null)[];
        const q = flatGrad.neg();
        for (let i = oldDirs.length - 1; i >= 0; i--) {
          const a = oldStps[i].dot(q).mul(ro[i]);
          al[i] = a;
          q.add_(oldDirs[i], { alpha: -a.item() });
        }
        const r = torch.mul(q, hDiag);
        d = r;
        for (let i = 0; i < oldDirs.length; i++) {
          const be = oldDirs[i].dot(r).mul(ro[i]);
          r.add_(oldStps[i], { alpha: (al[i] as Tensor).sub(be).item() });
        }
      }
      if (prevFlatGrad === null) prevFlatGrad = flatGrad.clone();
      else prevFlatGrad.copy_(flatGrad);
      prevLoss = loss;
      // The first step is scaled down by the gradient's size (min(1, 1/|g|₁)·lr, in the gradient's precision).
      if (state.n_iter === 1) {
        const inverse = round(1 / flatGrad.abs().sum().item());
        t = inverse < 1 ? round(inverse * lr) : lr;
      } else t = lr;
      const direction = d;
      const gtd = flatGrad.dot(direction).item();
      if (gtd > -toleranceChange) break;

      let lsFuncEvals = 0;
      if (lineSearchFn !== null) {
        if (lineSearchFn !== 'strong_wolfe') throw new torch.RuntimeError("only 'strong_wolfe' is supported");
        const xInit = this.params.map((p) => p.clone());
        const [fNew, gNew, tNew, evals] = strongWolfe(
          (x, step, dir) => this.directionalEvaluate(closure, x, step, dir),
          xInit,
          num(t),
          direction,
          loss,
          flatGrad,
          gtd,
        );
        [loss, flatGrad, t, lsFuncEvals] = [fNew, gNew, tNew, evals];
        this.addGrad(t, direction);
        optCond = flatGrad.abs().max().item() <= toleranceGrad;
      } else {
        this.addGrad(num(t), direction);
        if (nIter !== maxIter) {
          loss = torch.enableGrad(closure).item();
          flatGrad = this.flatGrad();
          optCond = flatGrad.abs().max().item() <= toleranceGrad;
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state.func_evals = state.func_evals + lsFuncEvals;
      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if (direction.mul(num(t)).abs().max().item() <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    Object.assign(state, {
      d,
      t,
      old_dirs: oldDirs,
      old_stps: oldStps,
      ro,
      H_diag: hDiag,
      prev_flat_grad: prevFlatGrad,
      prev_loss: prevLoss,
    });
    return origLoss;
  }
}
