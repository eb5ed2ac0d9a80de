/** `torch.autograd.gradcheck`: analytical gradients against float64 central differences. */
import { RuntimeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { noGrad } from './grad-mode.js';
import { grad } from './grad.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw on a mismatch (the default) or return false. */
  raiseException?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];

function outputsOf(fn: Fn, inputs: Tensor[]): Tensor[] {
  const out = fn(...inputs);
  return Array.isArray(out) ? out : [out];
}

export function gradcheck(fn: Fn, inputs: Tensor | readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const ins = inputs instanceof Tensor ? [inputs] : [...inputs];
  const diffInputs = ins.map((t, i) => ({ t, i })).filter(({ t }) => t.requiresGrad);
  for (const { t } of diffInputs) {
    if (t.dtype !== 'float64') {
      console.warn(
        `Input #${ins.indexOf(t)} requires gradient and is not a double precision floating point. Gradcheck with float32 is likely to fail.`,
      );
    }
  }
  const outputs = outputsOf(fn, ins);
  const fail = (message: string): false => {
    if (options.raiseException === false) return false;
    throw new RuntimeError(message);
  };
  // As PyTorch: with no differentiable output, the function must not depend on its inputs at all.
  if (!outputs.some((out) => out.requiresGrad && out.isFloatingPoint())) {
    for (let o = 0; o < outputs.length; o++) {
      if (!outputs[o].isFloatingPoint()) continue;
      for (const { t } of diffInputs)
        if (numericalJacobian(fn, ins, o, t, eps).some((v) => v !== 0))
          return fail('Numerical gradient for function expected to be zero');
    }
    return true;
  }
  for (let o = 0; o < outputs.length; o++) {
    const out = outputs[o];
    if (!out.requiresGrad || !out.isFloatingPoint()) continue;
    const nOut = out.numel();
    for (const { t, i } of diffInputs) {
      const nIn = t.numel();
      const numerical = numericalJacobian(fn, ins, o, t, eps);
      const analytical = new Float64Array(nIn * nOut);
      // Analytical: one vector-Jacobian product per output element.
      for (let r = 0; r < nOut; r++) {
        const fresh = outputsOf(fn, ins)[o];
        const seed = new Tensor(new Float64Array(nOut), fresh.shape, 'float64').to(fresh.dtype);
        seed._array[r] = 1;
        const [g] = grad(fresh, t, { gradOutputs: seed, allowUnused: true });
        const ga = g ? g.contiguousArray() : null;
        for (let k = 0; k < nIn; k++) analytical[k * nOut + r] = ga ? ga[k] : 0;
      }
      for (let k = 0; k < numerical.length; k++) {
        if (!(Math.abs(analytical[k] - numerical[k]) <= atol + rtol * Math.abs(numerical[k]))) {
          return fail(
            `Jacobian mismatch for output ${o} with respect to input ${i},\n` +
              `numerical:${formatMatrix(numerical, nIn, nOut)}\nanalytical:${formatMatrix(analytical, nIn, nOut)}\n`,
          );
        }
      }
    }
  }
  return true;
}

/**
 * d output[o] / d t by central differences, row k for t's element k: each element perturbed in place (its storage
 * is the tensor the function reads).
 */
function numericalJacobian(fn: Fn, ins: Tensor[], o: number, t: Tensor, eps: number): Float64Array {
  return noGrad(() => {
    const nIn = t.numel();
    let numerical = new Float64Array(0);
    for (let k = 0; k < nIn; k++) {
      const pos = flatOffset(t, k);
      const orig = t._array[pos];
      t._array[pos] = orig + eps;
      const plus = outputsOf(fn, ins)[o].contiguousArray().slice();
      t._array[pos] = orig - eps;
      const minus = outputsOf(fn, ins)[o].contiguousArray().slice(); // a copy: the output may be a view of the input
      t._array[pos] = orig;
      const nOut = plus.length;
      if (k === 0) numerical = new Float64Array(nIn * nOut);
      for (let r = 0; r < nOut; r++) numerical[k * nOut + r] = (plus[r] - minus[r]) / (2 * eps);
    }
    return numerical;
  });
}

function flatOffset(t: Tensor, k: number): number {
  let off = t._offset;
  let rem = k;
  for (let d = t._shape.length - 1; d >= 0; d--) {
    const s = t._shape[d];
    off += (rem % s) * t._strides[d];
    rem = Math.floor(rem / s);
  }
  return off;
}

function formatMatrix(m: Float64Array, rows: number, cols: number): string {
  const lines: string[] = [];
  for (let r = 0; r < rows; r++)
    lines.push(Array.from(m.subarray(r * cols, (r + 1) * cols), (v) => v.toFixed(4)).join(', '));
  return `tensor([[${lines.join('],\n        [')}]], dtype=torch.float64)`;
}
