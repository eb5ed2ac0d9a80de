/**
 * LBFGS's strong-Wolfe line search and its cubic interpolation, as PyTorch 1.13's `_strong_wolfe` and
 * `_cubic_interpolate` (after minFunc): first a bracket of step lengths around an acceptable one, then zoom in.
 * Losses are numbers; directional derivatives come from the gradient's dtype, and the interpolation rounds where
 * PyTorch computes with those 0-d tensors.
 */
import type { Tensor } from '@kindling/core';

/** The loss and flat gradient at x + t·d (the parameters left at x). */
export type DirectionalEvaluate = (x: Tensor[], t: number, d: Tensor) => [number, Tensor];

type Round = (v: number) => number;

/**
 * The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, kept within `bounds` (default the
 * interval between x1 and x2); the middle of the bounds when the cubic has no minimum.
 */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  round: Round,
  bounds: [number, number] | null = null,
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = round(round(g1 + g2) - round((3 * (f1 - f2)) / (x1 - x2)));
  const d2Square = round(round(d1 * d1) - round(g1 * g2));
  if (d2Square >= 0) {
    const d2 = round(Math.sqrt(d2Square));
    const minPos =
      x1 <= x2
        ? round(x2 - round((x2 - x1) * round(round(round(g2 + d2) - d1) / round(round(g2 - g1) + round(2 * d2)))))
        : round(x1 - round((x1 - x2) * round(round(round(g1 + d2) - d1) / round(round(g1 - g2) + round(2 * d2)))));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/**
 * The strong-Wolfe line search along `d` from `x` (loss `f`, flat gradient `g`, directional derivative `gtd`),
 * starting at step `t`: returns the loss and gradient at the step taken, the step, and the evaluations used.
 */
export function strongWolfe(
  objective: DirectionalEvaluate,
  x: Tensor[],
  t0: number,
  d: Tensor,
  f: number,
  g: Tensor,
  gtd: number,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): [number, Tensor, number, number] {
  const round: Round = d.dtype === 'float32' ? Math.fround : (v) => v;
  let t = t0;
  const dNorm = d.abs().max().item();
  let [fNew, gNew] = objective(x, t, d);
  let lsFuncEvals = 1;
  let gtdNew = gNew.dot(d).item();
  let [tPrev, fPrev, gPrev, gtdPrev] = [0, f, g.clone(), gtd];
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: number[] = [];
  // Bracketing phase.
  for (;;) {
    if (lsIter >= maxLs) break;
    // Past a minimum (the loss rose) or at one: bracket it; where the curvature condition holds, done.
    const rose = fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev);
    if (!rose && Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (rose || gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [
        [tPrev, t],
        [fPrev, fNew],
        [gPrev, gNew.clone()],
        [gtdPrev, gtdNew],
      ];
      break;
    }
    // Extrapolate, between 1.01 t and 10 t.
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, round, [minStep, maxStep]);
    [tPrev, fPrev, gPrev, gtdPrev] = [tmp, fNew, gNew.clone(), gtdNew];
    [fNew, gNew] = objective(x, t, d);
    lsFuncEvals += 1;
    gtdNew = gNew.dot(d).item();
    lsIter += 1;
  }
  if (lsIter === maxLs)
    [bracket, bracketF, bracketG] = [
      [0, t],
      [f, fNew],
      [g, gNew],
    ];

  // Zoom phase: shrink the bracket until a point satisfies the strong Wolfe conditions.
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1], round);
    const [bMax, bMin] = [Math.max(...bracket), Math.min(...bracket)];
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else insufProgress = true;
    } else insufProgress = false;
    [fNew, gNew] = objective(x, t, d);
    lsFuncEvals += 1;
    gtdNew = gNew.dot(d).item();
    lsIter += 1;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]) {
      [bracket[highPos], bracketF[highPos], bracketG[highPos], bracketGtd[highPos]] = [t, fNew, gNew.clone(), gtdNew];
      [lowPos, highPos] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0) {
        [bracket[highPos], bracketF[highPos], bracketG[highPos], bracketGtd[highPos]] = [
          bracket[lowPos],
          bracketF[lowPos],
          bracketG[lowPos],
          bracketGtd[lowPos],
        ];
      }
      [bracket[lowPos], bracketF[lowPos], bracketG[lowPos], bracketGtd[lowPos]] = [t, fNew, gNew.clone(), gtdNew];
    }
  }
  return [bracketF[lowPos], bracketG[lowPos], bracket[lowPos], lsFuncEvals];
}
