import { readFileSync } from 'node:fs';
import { afterAll, describe, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { decode, type Value } from '../../core/test/helpers/golden.js';
import { expectSameBits } from './helpers/aten-values.js';

/**
 * PyTorch 1.13's batch norm on one thread, forward and backward, in training (with and without running statistics,
 * and the running statistics it leaves) and in evaluation (tools/golden/batch_norm.py): its kernels' sums, roundings
 * and fused multiply-adds, so every value is PyTorch's to the last bit.
 */
interface Case {
  dtype: 'float32' | 'float64';
  shape: number[];
  mode: 'train' | 'train-untracked' | 'eval';
  momentum: number;
  x: Value[];
  dy: Value[];
  runningMean: Value[];
  runningVar: Value[];
  weight?: Value[];
  bias?: Value[];
  y: Value[];
  grad: Value[];
  gradWeight?: Value[];
  gradBias?: Value[];
  runningMeanAfter?: Value[];
  runningVarAfter?: Value[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/batch_norm.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

const initial = torch.getKernelBackend();
afterAll(() => void torch.setKernelBackend(initial));

describe('batch norm against PyTorch, bit for bit', () => {
  for (const backend of torch.availableKernelBackends()) {
    it(`values, gradients and running statistics, [N, C] to [N, C, H, W], float32 and float64 (${backend})`, () => {
      torch.setKernelBackend(backend);
      for (const c of fixture.cases) {
        const what = `${c.dtype} ${JSON.stringify(c.shape)} ${c.mode}${c.weight ? ' affine' : ''}`;
        const tensor = (v: Value[], shape: number[]) => torch.tensor(v.map(decode), { dtype: c.dtype }).reshape(shape);
        const channels = [c.shape[1]];
        const x = tensor(c.x, c.shape).requiresGrad_();
        const weight = c.weight ? tensor(c.weight, channels).requiresGrad_() : null;
        const bias = c.bias ? tensor(c.bias, channels).requiresGrad_() : null;
        const tracked = c.mode !== 'train-untracked';
        const runningMean = tracked ? tensor(c.runningMean, channels) : null;
        const runningVar = tracked ? tensor(c.runningVar, channels) : null;
        const y = nn.functional.batchNorm(x, runningMean, runningVar, weight, bias, {
          training: c.mode !== 'eval',
          momentum: c.momentum,
        });
        y.backward(tensor(c.dy, c.shape));
        expectSameBits(y.toArray(), c.y, `${what}: output`);
        expectSameBits((x.grad as torch.Tensor).toArray(), c.grad, `${what}: input's gradient`);
        if (weight) expectSameBits((weight.grad as torch.Tensor).toArray(), c.gradWeight, `${what}: weight's gradient`);
        if (bias) expectSameBits((bias.grad as torch.Tensor).toArray(), c.gradBias, `${what}: bias's gradient`);
        if (c.mode === 'train') {
          expectSameBits((runningMean as torch.Tensor).toArray(), c.runningMeanAfter, `${what}: running mean`);
          expectSameBits((runningVar as torch.Tensor).toArray(), c.runningVarAfter, `${what}: running variance`);
        }
      }
    });
  }
});
