/**
 * nn.utils.spectralNorm and removeSpectralNorm against what PyTorch 1.13 printed for the same weight and starting
 * vectors: parameters, buffers and state-dict keys, the power iteration in training (not in eval), outputs and the
 * gradient of `weight_orig`, the output dim of transposed convolutions, and PyTorch's errors.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { INPUT, LOSS_WEIGHTS, closeTo as close, fixedLinear } from './helpers/reparametrized.js';

describe('nn.utils.spectralNorm', () => {
  it('divides the weight by its power-iterated spectral norm, as PyTorch', () => {
    const linear = fixedLinear();
    const m = nn.utils.spectralNorm(linear);
    expect(Object.keys(m.stateDict())).toEqual(['bias', 'weight_orig', 'weight_u', 'weight_v']);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['bias', 'weight_orig']);
    torch.noGrad(() => {
      m.weight_u.copy_(torch.tensor([0.6, 0.8]));
      m.weight_v.copy_(torch.tensor([1, 0, 0]));
    });
    const x = INPUT();
    const y = m.forward(x);
    close(y, [2.6821999549865723, -0.3434554934501648, 1.8214665651321411, -1.8497388362884521]);
    close(m.weight_u, [0.8102244138717651, 0.5861197710037231]);
    close(m.weight_v, [0.9012625813484192, -0.24033671617507935, 0.36050504446029663]);
    expect(m.weight.gradFn?.name()).toBe('DivBackward0');
    y.mul(LOSS_WEIGHTS()).sum().backward();
    close(
      m.weight_orig.grad as torch.Tensor,
      [
        0.7978515625, 1.1548490524291992, 2.4996650218963623, -2.4994945526123047, -1.5331199169158936,
        0.14784660935401917,
      ],
    );
    m.eval();
    close(m.forward(x), [2.6821999549865723, -0.3434554934501648, 1.8214665651321411, -1.8497388362884521]);
    close(m.weight_u, [0.8102244138717651, 0.5861197710037231]);
  });

  it("takes a transposed convolution's output dim, refuses what PyTorch refuses and removes itself", () => {
    const up = nn.utils.spectralNorm(new nn.ConvTranspose2d(2, 3, 2));
    expect(up.weight_u.shape).toEqual([3]);
    expect(up.weight_v.shape).toEqual([8]);
    expect(() => nn.utils.spectralNorm(up)).toThrow(
      new torch.RuntimeError('Cannot register two spectral_norm hooks on the same parameter weight'),
    );
    expect(() => nn.utils.spectralNorm(new nn.Linear(2, 2), 'weight', { nPowerIterations: 0 })).toThrow(
      new torch.ValueError('Expected n_power_iterations to be positive, but got n_power_iterations=0'),
    );
    nn.utils.removeSpectralNorm(up);
    expect(Object.keys(up.stateDict())).toEqual(['bias', 'weight']);
    expect(() => nn.utils.removeSpectralNorm(up)).toThrow("spectral_norm of 'weight' not found in ConvTranspose2d(");
  });
});
