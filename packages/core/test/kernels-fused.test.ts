/**
 * The fused TypeScript kernels (kernels/optim.ts, norm.ts, layer-norm.ts, group-norm.ts) against what they fuse: the
 * optimizers of @kindling/optim bit for bit, the batchNorm/layerNorm ops' forwards bit for bit (values, saved
 * statistics and running statistics), their backwards against torch.autograd through the ops (to rounding), and
 * every kernel's refusal of bad arguments.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { Adadelta, Adam, AdamW, SGD } from '../../optim/src/index.js';
import { adamUpdate, sgdUpdate } from '../src/kernels/optim.js';
import { batchNormBackward, batchNormForward } from '../src/kernels/norm.js';
import { groupNormBackward, groupNormOutput } from '../src/kernels/group-norm.js';
import { layerNormBackward, layerNormForward } from '../src/kernels/layer-norm.js';
import { largestMagnitude } from './helpers/close.js';
import { rng } from './helpers/rng.js';
import { firstDifference } from './helpers/same-values.js';

type FloatArray = Float32Array | Float64Array;
type FloatDType = 'float32' | 'float64';
const DTYPES: readonly FloatDType[] = ['float32', 'float64'];

function randomArray(dtype: FloatDType, n: number, rand: () => number, scale = 1, offset = 0): FloatArray {
  const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // Roughly normal (sum of uniforms), with a few large values mixed in.
    const u = rand() + rand() + rand() - 1.5;
    a[i] = offset + scale * (rand() < 0.02 ? u * 1e3 : u);
  }
  return a;
}

const SPECIALS = [0, -0, Infinity, -Infinity, NaN, 1e-40, -3e38, 1e-30];

function withSpecials(a: FloatArray, rand: () => number): FloatArray {
  for (let i = 0; i < a.length; i += 7) a[i] = SPECIALS[Math.floor(rand() * SPECIALS.length)];
  return a;
}

/** The first element where two arrays differ bit for bit (NaNs count as equal; +0 and -0 do not), or null. */
function expectBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(firstDifference(actual, expected), what).toBeNull();
}

/** |a - e| <= rtol |e| + atol max|e| everywhere (gradients summed over many terms: atol relative to the largest). */
function expectGradClose(actual: FloatArray, expected: FloatArray, rtol: number, atol: number, what: string): void {
  torch.testing.assertClose(actual, expected, {
    rtol,
    atol: atol * largestMagnitude(expected),
    msg: (m) => `${what}: ${m}`,
  });
}

function data(t: torch.Tensor): FloatArray {
  return t.toArray() as FloatArray;
}

const tensorOf = (a: FloatArray, shape: readonly number[], requiresGrad = false): torch.Tensor =>
  torch.tensor(a, { requiresGrad }).reshape([...shape]);

describe('fused optimizer updates reproduce @kindling/optim bit for bit', () => {
  const n = 517;
  const STEPS = 4;

  it('sgdUpdate: every combination of momentum, dampening, Nesterov, weight decay and maximize', () => {
    const rand = rng(1);
    let cases = 0;
    for (const dtype of DTYPES) {
      for (const momentum of [0, 0.9])
        for (const dampening of [0, 0.25])
          for (const nesterov of [false, true])
            for (const weightDecay of [0, 0.01, 1])
              for (const maximize of [false, true])
                for (const specials of [false, true]) {
                  if (nesterov && (momentum === 0 || dampening !== 0)) continue;
                  const lr = 0.05;
                  const init = randomArray(dtype, n, rand);
                  if (specials) withSpecials(init, rand);
                  const p = torch.tensor(init, { dtype, requiresGrad: true });
                  const opt = new SGD([p], { lr, momentum, dampening, weightDecay, nesterov, maximize });
                  const param = init.slice();
                  const buf = momentum !== 0 ? (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)) : null;
                  for (let step = 1; step <= STEPS; step++) {
                    const g = randomArray(dtype, n, rand, 0.5);
                    if (specials && step === 2) withSpecials(g, rand);
                    p.grad = torch.tensor(g, { dtype });
                    opt.step();
                    sgdUpdate(param, g, buf, n, lr, momentum, dampening, weightDecay, nesterov, maximize, step === 1);
                    const what = `${dtype} momentum=${momentum} dampening=${dampening} nesterov=${nesterov} wd=${weightDecay} maximize=${maximize} specials=${specials} step ${step}`;
                    expectBits(param, data(p), `param, ${what}`);
                    const state = opt.state.get(p) as Record<string, torch.Tensor | null>;
                    if (buf !== null) expectBits(buf, data(state.momentum_buffer as torch.Tensor), `buf, ${what}`);
                    else expect(state.momentum_buffer).toBeNull();
                  }
                  cases++;
                }
    }
    expect(cases).toBeGreaterThan(100);
  });

  it('adamUpdate: Adam and AdamW with amsgrad, maximize, weight decay, betas and learning rates', () => {
    const rand = rng(2);
    let cases = 0;
    for (const dtype of DTYPES) {
      for (const decoupled of [false, true])
        for (const amsgrad of [false, true])
          for (const maximize of [false, true])
            for (const weightDecay of [0, 0.1])
              for (const [beta1, beta2] of [
                [0.9, 0.999],
                [0.5, 0.75],
                [0, 0.3],
              ])
                for (const [lr, eps] of [
                  [1e-3, 1e-8],
                  [0.3, 1e-3],
                ])
                  for (const specials of [false, true]) {
                    if (specials && (lr !== 1e-3 || beta1 !== 0.9)) continue;
                    const init = randomArray(dtype, n, rand);
                    if (specials) withSpecials(init, rand);
                    const p = torch.tensor(init, { dtype, requiresGrad: true });
                    const options = { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize };
                    const opt = decoupled ? new AdamW([p], options) : new Adam([p], options);
                    const make = () => (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));
                    const param = init.slice();
                    const [m, v] = [make(), make()];
                    const mx = amsgrad ? make() : null;
                    for (let step = 1; step <= STEPS + 1; step++) {
                      const g = randomArray(dtype, n, rand, step === 3 ? 1e-3 : 1);
                      if (specials && step === 2) withSpecials(g, rand);
                      p.grad = torch.tensor(g, { dtype });
                      opt.step();
                      adamUpdate(
                        param,
                        g,
                        m,
                        v,
                        mx,
                        n,
                        lr,
                        beta1,
                        beta2,
                        eps,
                        weightDecay,
                        decoupled,
                        amsgrad,
                        maximize,
                        step,
                      );
                      const what = `${dtype} ${decoupled ? 'AdamW' : 'Adam'} amsgrad=${amsgrad} maximize=${maximize} wd=${weightDecay} betas=${beta1},${beta2} lr=${lr} specials=${specials} step ${step}`;
                      const state = opt.state.get(p) as Record<string, torch.Tensor>;
                      expectBits(param, data(p), `param, ${what}`);
                      expectBits(m, data(state.exp_avg), `exp_avg, ${what}`);
                      expectBits(v, data(state.exp_avg_sq), `exp_avg_sq, ${what}`);
                      if (mx !== null) expectBits(mx, data(state.max_exp_avg_sq), `max_exp_avg_sq, ${what}`);
                    }
                    cases++;
                  }
    }
    expect(cases).toBeGreaterThan(200);
  });

  it('adadeltaUpdate: the fused step equals the tensor-op step (rho, eps, weight decay, maximize, specials)', () => {
    const rand = rng(4);
    let cases = 0;
    for (const dtype of DTYPES)
      for (const maximize of [false, true])
        for (const weightDecay of [0, 0.1])
          for (const [lr, rho, eps] of [
            [1.0, 0.9, 1e-6],
            [0.3, 0.5, 1e-3],
          ])
            for (const specials of [false, true]) {
              const [rows, cols] = [11, 47];
              const init = randomArray(dtype, rows * cols, rand);
              if (specials) withSpecials(init, rand);
              // The same values twice: contiguous (the fused kernel) and as a transposed view (the tensor ops).
              const fused = torch.tensor(init, { dtype }).reshape([rows, cols]).requiresGrad_();
              const viaOps = torch.zeros([rows, cols], { dtype }).requiresGrad_();
              viaOps.data = torch.tensor(init, { dtype }).reshape([rows, cols]).t().contiguous().t();
              expect(viaOps.isContiguous()).toBe(false);
              const options = { lr, rho, eps, weightDecay, maximize };
              const [a, b] = [new Adadelta([fused], options), new Adadelta([viaOps], options)];
              for (let step = 1; step <= STEPS; step++) {
                const g = randomArray(dtype, rows * cols, rand, step === 3 ? 1e-3 : 1);
                if (specials && step === 2) withSpecials(g, rand);
                fused.grad = torch.tensor(g, { dtype }).reshape([rows, cols]);
                viaOps.grad = torch.tensor(g, { dtype }).reshape([rows, cols]);
                a.step();
                b.step();
                const what = `${dtype} maximize=${maximize} wd=${weightDecay} lr=${lr} rho=${rho} eps=${eps} specials=${specials} step ${step}`;
                expectBits(data(fused), data(viaOps.contiguous()), `param, ${what}`);
                const [sa, sb] = [a.state.get(fused), b.state.get(viaOps)];
                expectBits(data(sa!.square_avg), data(sb!.square_avg.contiguous()), `square_avg, ${what}`);
                expectBits(data(sa!.acc_delta), data(sb!.acc_delta.contiguous()), `acc_delta, ${what}`);
              }
              cases++;
            }
    expect(cases).toBe(32);
  });

  it('many steps of Adam (bias corrections late in training) stay identical', () => {
    const rand = rng(3);
    const dtype = 'float32';
    const init = randomArray(dtype, 64, rand);
    const p = torch.tensor(init, { dtype, requiresGrad: true });
    const opt = new Adam([p], { lr: 0.01, amsgrad: true });
    const [param, m, v, mx] = [init.slice(), new Float32Array(64), new Float32Array(64), new Float32Array(64)];
    for (let step = 1; step <= 300; step++) {
      const g = randomArray(dtype, 64, rand);
      p.grad = torch.tensor(g, { dtype });
      opt.step();
      adamUpdate(param, g, m, v, mx, 64, 0.01, 0.9, 0.999, 1e-8, 0, false, true, false, step);
    }
    expectBits(param, data(p), 'param after 300 steps');
  });

  it('update n elements only, and refuse bad arguments', () => {
    const param = new Float32Array([1, 2, 3, 4]);
    const grad = new Float32Array([1, 1, 1, 1]);
    sgdUpdate(param, grad, null, 2, 0.5, 0, 0, 0, false, false, true);
    expect(Array.from(param)).toEqual([0.5, 1.5, 3, 4]);
    sgdUpdate(param, grad, null, 0, 0.5, 0, 0, 0, false, false, true);
    expect(Array.from(param)).toEqual([0.5, 1.5, 3, 4]);
    expect(() => sgdUpdate(param, grad, null, 5, 0.5, 0, 0, 0, false, false, true)).toThrow(/'param'/);
    expect(() => sgdUpdate(param, grad, null, -1, 0.5, 0, 0, 0, false, false, true)).toThrow(/'n'/);
    expect(() => sgdUpdate(param, grad, null, 4, 0.5, 0.9, 0, 0, false, false, true)).toThrow(/'buf'/);
    expect(() => sgdUpdate(param, new Float64Array(4), null, 4, 0.5, 0, 0, 0, false, false, true)).toThrow(/'grad'/);
    expect(() => sgdUpdate(param, param.subarray(1), null, 3, 0.5, 0, 0, 0, false, false, true)).toThrow(/overlap/);
    const s = () => new Float32Array(4);
    expect(() => adamUpdate(param, grad, s(), s(), null, 4, 1e-3, 0.9, 0.999, 1e-8, 0, false, true, false, 1)).toThrow(
      /'maxExpAvgSq'/,
    );
    expect(() => adamUpdate(param, grad, s(), s(), null, 4, 1e-3, 0.9, 0.999, 1e-8, 0, false, false, false, 0)).toThrow(
      /'step'/,
    );
  });
});

/** batchNorm through the op, with its gradients, and the same through the kernels. */
function batchNormCase(
  dtype: FloatDType,
  shape: readonly number[],
  affine: boolean,
  running: boolean,
  training: boolean,
  seed: number,
): void {
  const rand = rng(seed);
  const [N, C] = shape;
  const HW = shape.slice(2).reduce((a, b) => a * b, 1);
  const size = N * C * HW;
  const what = `${dtype} [${shape}] affine=${affine} running=${running} training=${training}`;
  const xs = randomArray(dtype, size, rand, 2, 0.5);
  const ws = affine ? randomArray(dtype, C, rand, 1, 1) : null;
  const bs = affine ? randomArray(dtype, C, rand) : null;
  const rmInit = running ? randomArray(dtype, C, rand, 0.1) : null;
  const rvInit = running ? randomArray(dtype, C, rand, 0.2, 1) : null;
  if (rvInit) for (let c = 0; c < C; c++) rvInit[c] = Math.abs(rvInit[c]);
  const gys = randomArray(dtype, size, rand);

  const x = tensorOf(xs, shape, true);
  const w = ws && tensorOf(ws, [C], true);
  const b = bs && tensorOf(bs, [C], true);
  const rm = rmInit && tensorOf(rmInit, [C]);
  const rv = rvInit && tensorOf(rvInit, [C]);
  const y = torch._nn.batchNorm(x, w, b, rm, rv, training, 0.1, 1e-5);
  const inputs = [x, ...(w && b ? [w, b] : [])];
  const grads = torch.autograd.grad(y, inputs, { gradOutputs: tensorOf(gys, shape) }) as torch.Tensor[];

  const make = (k: number) => (dtype === 'float32' ? new Float32Array(k) : new Float64Array(k));
  const out = make(size);
  const saveMean = make(C);
  const saveInvstd = make(C);
  const runMean = rmInit && rmInit.slice();
  const runVar = rvInit && rvInit.slice();
  batchNormForward(xs, N, C, HW, ws, bs, runMean, runVar, training, 0.1, 1e-5, out, saveMean, saveInvstd);
  expectBits(out, data(y), `batchNorm output, ${what}`);
  if (runMean && runVar && rm && rv) {
    expectBits(runMean, data(rm), `running_mean, ${what}`);
    expectBits(runVar, data(rv), `running_var, ${what}`);
  }

  const gx = make(size);
  const gw = affine ? make(C) : null;
  const gb = affine ? make(C) : null;
  batchNormBackward(gys, xs, N, C, HW, ws, saveMean, saveInvstd, training, gx, gw, gb);
  const [rtol, atol] = dtype === 'float32' ? [2e-4, 2e-5] : [1e-10, 1e-12];
  expectGradClose(gx, data(grads[0]), rtol, atol, `batchNorm grad input, ${what}`);
  if (gw && gb) {
    expectGradClose(gw, data(grads[1]), rtol, atol, `batchNorm grad weight, ${what}`);
    expectGradClose(gb, data(grads[2]), rtol, atol, `batchNorm grad bias, ${what}`);
  }
}

describe('fused batch norm reproduces torch._nn.batchNorm', () => {
  it('forward bit for bit (output and running statistics), backward as torch.autograd to rounding', () => {
    let seed = 10;
    for (const dtype of DTYPES)
      for (const shape of [
        [8, 3, 5, 7],
        [16, 6],
        [4, 5, 9],
        [1, 2, 3, 3],
        [5, 4, 4, 4],
      ])
        for (const affine of [false, true])
          for (const [running, training] of [
            [false, true],
            [true, true],
            [true, false],
          ] as const)
            batchNormCase(dtype, shape, affine, running, training, seed++);
  });

  it('saved statistics are the forward mean and 1/sqrt(var + eps), rounded to the dtype', () => {
    const xs = new Float32Array([1, 2, 3, 4, 10, 20, 30, 40]); // [N=2, C=2, HW=2]
    const [mean, invstd, out] = [new Float32Array(2), new Float32Array(2), new Float32Array(8)];
    batchNormForward(xs, 2, 2, 2, null, null, null, null, true, 0.1, 0, out, mean, invstd);
    expect(Array.from(mean)).toEqual([8.25, 19.25]);
    expect(invstd[0]).toBe(
      Math.fround(1 / Math.sqrt(((1 - 8.25) ** 2 + (2 - 8.25) ** 2 + (10 - 8.25) ** 2 + (20 - 8.25) ** 2) / 4)),
    );
  });

  it('refuses bad arguments', () => {
    const x = new Float32Array(24);
    const s = () => new Float32Array(3);
    expect(() =>
      batchNormForward(x, 2, 3, 4, null, null, null, null, false, 0.1, 1e-5, new Float32Array(24), s(), s()),
    ).toThrow(/runningMean/);
    expect(() =>
      batchNormForward(x, 2, 3, 5, null, null, null, null, true, 0.1, 1e-5, new Float32Array(30), s(), s()),
    ).toThrow(/'x'/);
    expect(() =>
      batchNormForward(
        x,
        2,
        3,
        4,
        new Float64Array(3),
        null,
        null,
        null,
        true,
        0.1,
        1e-5,
        new Float32Array(24),
        s(),
        s(),
      ),
    ).toThrow(/'weight'/);
    expect(() => batchNormForward(x, 2, 3, 4, null, null, null, null, true, 0.1, 1e-5, x, s(), s())).toThrow(/overlap/);
    expect(() => batchNormBackward(x, x, 2, -3, 4, null, s(), s(), true, new Float32Array(24), null, null)).toThrow(
      /'C'/,
    );
  });
});

function layerNormCase(
  dtype: FloatDType,
  shape: readonly number[],
  k: number,
  affine: 'none' | 'weight' | 'bias' | 'both',
  seed: number,
): void {
  const rand = rng(seed);
  const norm = shape.slice(shape.length - k);
  const cols = norm.reduce((a, b) => a * b, 1);
  const rows = shape.reduce((a, b) => a * b, 1) / cols;
  const what = `${dtype} [${shape}] normalized [${norm}] affine=${affine}`;
  const xs = randomArray(dtype, rows * cols, rand, 3, -1);
  const ws = affine === 'weight' || affine === 'both' ? randomArray(dtype, cols, rand, 1, 1) : null;
  const bs = affine === 'bias' || affine === 'both' ? randomArray(dtype, cols, rand) : null;
  const gys = randomArray(dtype, rows * cols, rand);
  const x = tensorOf(xs, shape, true);
  const w = ws && tensorOf(ws, norm, true);
  const b = bs && tensorOf(bs, norm, true);
  const y = torch._nn.layerNorm(x, norm, w, b, 1e-5);
  const inputs = [x, ...(w ? [w] : []), ...(b ? [b] : [])];
  const grads = torch.autograd.grad(y, inputs, { gradOutputs: tensorOf(gys, shape) }) as torch.Tensor[];

  const make = (n: number) => (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));
  const [out, mean, rstd] = [make(rows * cols), make(rows), make(rows)];
  layerNormForward(xs, rows, cols, ws, bs, 1e-5, out, mean, rstd);
  expectBits(out, data(y), `layerNorm output, ${what}`);
  const gx = make(rows * cols);
  const gw = ws ? make(cols) : null;
  const gb = bs ? make(cols) : null;
  layerNormBackward(gys, xs, rows, cols, ws, mean, rstd, gx, gw, gb);
  const [rtol, atol] = dtype === 'float32' ? [2e-4, 2e-5] : [1e-10, 1e-12];
  expectGradClose(gx, data(grads[0]), rtol, atol, `layerNorm grad input, ${what}`);
  let i = 1;
  if (gw) expectGradClose(gw, data(grads[i++]), rtol, atol, `layerNorm grad weight, ${what}`);
  if (gb) expectGradClose(gb, data(grads[i++]), rtol, atol, `layerNorm grad bias, ${what}`);
}

describe('fused layer norm reproduces torch._nn.layerNorm', () => {
  it('forward bit for bit, backward as torch.autograd to rounding', () => {
    let seed = 100;
    for (const dtype of DTYPES)
      for (const [shape, k] of [
        [[6, 33], 1],
        [[2, 3, 4, 5], 2],
        [[7, 1], 1],
        [[1, 130], 1],
        [[3, 2, 17], 1],
      ] as const)
        for (const affine of ['none', 'weight', 'bias', 'both'] as const)
          layerNormCase(dtype, shape, k, affine, seed++);
  });

  it('refuses bad arguments', () => {
    const x = new Float64Array(12);
    const s = () => new Float64Array(3);
    expect(() => layerNormForward(x, 3, 4, null, null, 1e-5, new Float64Array(11), s(), s())).toThrow(/'out'/);
    expect(() => layerNormForward(x, 3, 4, new Float32Array(4), null, 1e-5, new Float64Array(12), s(), s())).toThrow(
      /'weight'/,
    );
    expect(() => layerNormBackward(x, x, 3, 4.5, null, s(), s(), new Float64Array(12), null, null)).toThrow(/'cols'/);
  });
});

describe('the group norm kernels (kernels/group-norm.ts)', () => {
  it('refuse bad arguments before writing anything', () => {
    const x = new Float32Array(12);
    const [mean, rstd] = [new Float32Array(4), new Float32Array(4)];
    const out = new Float32Array(12).fill(7);
    // [2, 6, 1] in 2 groups: C a multiple of G, every array its size, outputs apart from inputs.
    expect(() => groupNormOutput(x, 2, 6, 1, 4, null, null, mean, rstd, out)).toThrow(/multiple of G/);
    expect(() => groupNormOutput(x, 2, 6, 1, 2, null, null, mean, rstd, out.subarray(1))).toThrow(/'out'/);
    expect(() => groupNormOutput(x, 2, 6, 1, 2, new Float32Array(5), null, mean, rstd, out)).toThrow(/'weight'/);
    expect(() => groupNormOutput(x, 2, 6, 1, 2, null, null, mean, rstd, x)).toThrow(/overlap/);
    expect(Array.from(out)).toEqual(new Array(12).fill(7));
    const gx = new Float32Array(12);
    expect(() => groupNormBackward(x, x, 2, 6, 1, 2, null, mean, rstd.subarray(1), gx, null, null)).toThrow(
      /'saveRstd'/,
    );
    expect(() => groupNormBackward(x, x, 2, 6, 1, -1, null, mean, rstd, gx, null, null)).toThrow(/'G'/);
  });

  it('normalises each (sample, group) with its saved statistics: (x - mean) · rstd, or scale · x + shift', () => {
    const x = new Float64Array([1, 2, 3, 4, 10, 18, 30, 38]);
    const mean = new Float64Array([1.5, 3.5, 14, 34]);
    const rstd = new Float64Array([2, 2, 0.25, 0.25]);
    const out = new Float64Array(8);
    groupNormOutput(x, 2, 4, 1, 2, null, null, mean, rstd, out);
    expect(Array.from(out)).toEqual([-1, 1, -1, 1, -1, 1, -1, 1]);
    groupNormOutput(x, 2, 4, 1, 2, new Float64Array([1, 2, 3, 4]), new Float64Array([0, 0, 1, 1]), mean, rstd, out);
    expect(Array.from(out)).toEqual([-1, 2, -2, 5, -1, 2, -2, 5]);
  });
});
