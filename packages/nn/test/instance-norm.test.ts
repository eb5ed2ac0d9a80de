/**
 * nn.InstanceNorm1d/2d/3d (and BatchNorm3d, LocalResponseNorm) as PyTorch 1.13 builds and runs them: reprs, state-dict keys, the running statistics a
 * training step leaves and the evaluation that uses them (values PyTorch printed for the same inputs), unbatched
 * input and PyTorch's errors. (F.instanceNorm's values and gradients are checked in functional.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';

const close = (actual: torch.Tensor, expected: number[]): void =>
  torch.testing.assertClose(actual.flatten(), torch.tensor(expected, { dtype: 'float32' }), { rtol: 1e-5, atol: 1e-5 });

describe('nn.InstanceNorm1d, nn.InstanceNorm2d and nn.InstanceNorm3d', () => {
  it('print and hold what PyTorch does (no affine, no running statistics by default)', () => {
    expect(String(new nn.InstanceNorm2d(3))).toBe(
      'InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)',
    );
    expect(Object.keys(new nn.InstanceNorm2d(3).stateDict())).toEqual([]);
    const tracked = new nn.InstanceNorm1d(4, { affine: true, trackRunningStats: true });
    expect(String(tracked)).toBe('InstanceNorm1d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    expect(Object.keys(tracked.stateDict())).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
  });

  it('update the running statistics in training and normalise by them in eval, as PyTorch', () => {
    const m = new nn.InstanceNorm2d(2, { trackRunningStats: true, momentum: 0.5 });
    m.forward(torch.arange(16, { dtype: 'float32' }).reshape([2, 2, 2, 2]).pow(1.5));
    close(m.running_mean as torch.Tensor, [7.9223527908325195, 15.707304954528809]);
    close(m.running_var as torch.Tensor, [10.697543144226074, 18.283218383789062]);
    expect((m.num_batches_tracked as torch.Tensor).item()).toBe(0);
    m.eval();
    const x = torch.tensor(
      [
        [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [0, 10],
            [20, 30],
          ],
        ],
      ],
      { dtype: 'float32' },
    );
    close(
      m.forward(x),
      [
        -2.116466999053955, -1.8107231855392456, -1.5049793720245361, -1.199235439300537, -3.673459529876709,
        -1.3347645998001099, 1.0039303302764893, 3.342625141143799,
      ],
    );
  });

  it('take unbatched input, and refuse what PyTorch refuses', () => {
    const y = new nn.InstanceNorm1d(3).forward(
      torch.tensor(
        [
          [1, 2, 4],
          [0, 0, 3],
          [5, -5, 0],
        ],
        { dtype: 'float32' },
      ),
    );
    expect(y.shape).toEqual([3, 3]);
    close(
      y,
      [
        -1.0690414905548096, -0.2672603130340576, 1.3363019227981567, -0.7071050405502319, -0.7071050405502319,
        1.4142100811004639, 1.2247445583343506, -1.2247445583343506, 0.0,
      ],
    );
    expect(new nn.InstanceNorm3d(2).forward(torch.randn(2, 2, 3, 3, 3)).shape).toEqual([2, 2, 3, 3, 3]);
    expect(() => new nn.InstanceNorm2d(3).forward(torch.randn(3, 4))).toThrow(
      new torch.ValueError('expected 3D or 4D input (got 2D input)'),
    );
    expect(() => new nn.InstanceNorm2d(3).forward(torch.randn(2, 3, 1, 1))).toThrow(
      new torch.ValueError(
        'Expected more than 1 spatial element when training, got input size torch.Size([2, 3, 1, 1])',
      ),
    );
  });
});

describe('nn.BatchNorm3d and nn.LocalResponseNorm', () => {
  it('print as PyTorch, normalise 5-D input per channel and refuse other ranks with its ValueError', () => {
    const bn = new nn.BatchNorm3d(4);
    expect(String(bn)).toBe('BatchNorm3d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    const x = torch.randn(2, 4, 3, 3, 3);
    const y = bn.forward(x);
    expect(y.gradFn?.name()).toBe('NativeBatchNormBackward0');
    torch.testing.assertClose(y.mean([0, 2, 3, 4]), torch.zeros(4), { atol: 1e-5, rtol: 0 });
    expect(() => bn.forward(torch.randn(2, 4, 3))).toThrow(new torch.ValueError('expected 5D input (got 3D input)'));
    expect(() => new nn.BatchNorm2d(4).forward(torch.randn(2, 4, 3))).toThrow(
      new torch.ValueError('expected 4D input (got 3D input)'),
    );
    expect(String(new nn.LocalResponseNorm(3))).toBe('LocalResponseNorm(3, alpha=0.0001, beta=0.75, k=1.0)');
    const lrn = new nn.LocalResponseNorm(2, 0.01, 0.5, 2);
    torch.testing.assertClose(lrn.forward(x), nn.functional.localResponseNorm(x, 2, { alpha: 0.01, beta: 0.5, k: 2 }));
  });
});
