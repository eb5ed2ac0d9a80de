/** Layers and losses take PyTorch's positional order as well as options; printed forms are PyTorch 1.13's. */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { Module, nn } from '@kindling/nn';

describe("PyTorch's positional arguments", () => {
  it('configure layers as the same call does in PyTorch', () => {
    const cases: [Module, string][] = [
      [
        new nn.Conv2d(3, 64, 7, 2, 3, 1, 1, false),
        'Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=False)',
      ],
      [new nn.MaxPool2d(3, 2, 1), 'MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)'],
      [new nn.AvgPool2d(2, 1), 'AvgPool2d(kernel_size=2, stride=1, padding=0)'],
      [
        new nn.BatchNorm2d(4, 1e-3, 0.2),
        'BatchNorm2d(4, eps=0.001, momentum=0.2, affine=True, track_running_stats=True)',
      ],
      [new nn.LayerNorm(8, 1e-6, false), 'LayerNorm((8,), eps=1e-06, elementwise_affine=False)'],
      [new nn.Linear(4, 2, false), 'Linear(in_features=4, out_features=2, bias=False)'],
      [new nn.Embedding(10, 3, 0), 'Embedding(10, 3, padding_idx=0)'],
      [new nn.GELU('tanh'), "GELU(approximate='tanh')"],
      [new nn.AdaptiveMaxPool2d(1, true), 'AdaptiveMaxPool2d(output_size=1)'],
    ];
    for (const [m, printed] of cases) expect(String(m)).toBe(printed);
    expect(new nn.Linear(4, 2, false).bias).toBeNull();
    expect(new nn.AdaptiveMaxPool2d(1, true).forward(torch.ones([1, 1, 2, 2]))).toHaveLength(2);
    const strided = new nn.Conv2d(1, 1, 3, 2).forward(torch.ones([1, 1, 9, 9]));
    expect(strided.shape).toEqual([1, 1, 4, 4]);
  });

  it('take every optional argument in the options object too, or positionally', () => {
    const cases: [Module, string][] = [
      [new nn.Dropout({ p: 0.2 }), 'Dropout(p=0.2, inplace=False)'],
      [new nn.Dropout(0.3, true), 'Dropout(p=0.3, inplace=True)'],
      [new nn.LeakyReLU({ negativeSlope: 0.2, inplace: true }), 'LeakyReLU(negative_slope=0.2, inplace=True)'],
      [new nn.LeakyReLU(0.1, true), 'LeakyReLU(negative_slope=0.1, inplace=True)'],
      [new nn.Flatten({ startDim: 0 }), 'Flatten(start_dim=0, end_dim=-1)'],
      [new nn.Flatten(0, 2), 'Flatten(start_dim=0, end_dim=2)'],
      [new nn.Softmax({ dim: 1 }), 'Softmax(dim=1)'],
      [new nn.LogSoftmax(0), 'LogSoftmax(dim=0)'],
    ];
    for (const [m, printed] of cases) expect(String(m)).toBe(printed);
    expect(() => new nn.Dropout(1.5)).toThrow(
      new torch.ValueError('dropout probability has to be between 0 and 1, but got 1.5'),
    );
    expect(() => new nn.Dropout({ p: '0.5' } as never)).toThrow(torch.ValueError);
  });

  it('take a loss weight first, as nn.CrossEntropyLoss(weight) does', () => {
    const weight = torch.tensor([1, 2, 3], { dtype: 'float32' });
    const logits = torch.tensor(
      [
        [1, 2, 3],
        [3, 1, 0],
      ],
      { dtype: 'float32' },
    );
    const target = torch.tensor([2, 1]);
    const positional = new nn.CrossEntropyLoss(weight).forward(logits, target);
    const keyword = new nn.CrossEntropyLoss({ weight }).forward(logits, target);
    expect(positional.item()).toBe(keyword.item());
    expect(new nn.NLLLoss(weight, null, 1).ignoreIndex).toBe(1);
    expect(new nn.MSELoss(null, null, 'sum').reduction).toBe('sum');
  });

  it("gives Python's TypeErrors for too many arguments and for one given both ways", () => {
    const ctor = nn.Conv2d as unknown as new (...a: unknown[]) => Module;
    expect(() => new ctor(3, 64, 7, 2, 3, 1, 1, false, 'zeros', 5)).toThrow(
      'Conv2d.__init__() takes from 4 to 10 positional arguments but 11 were given',
    );
    expect(() => new nn.MaxPool2d(2, 2, { stride: 1 } as never)).toThrow(
      "MaxPool2d.__init__() got multiple values for argument 'stride'",
    );
    const mse = nn.MSELoss as unknown as new (...a: unknown[]) => Module;
    expect(() => new mse(true)).toThrow(
      "MSELoss: size_average and reduce are deprecated and not supported; pass { reduction: 'none' | 'mean' | 'sum' }",
    );
  });
});
