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

describe("nn.functional in PyTorch's positional order", () => {
  // Called as JavaScript or code ported from Python calls them; TypeScript's signatures take the options object.
  const F = nn.functional as unknown as Record<string, (...args: unknown[]) => unknown>;
  torch.manualSeed(0);
  const x = torch.randn([2, 3, 8, 8]);
  const w = torch.randn([4, 3, 3, 3]);
  const b = torch.randn([4]);
  const v = torch.randn([4, 5]);
  const target = torch.tensor([1, 0, 4, 2]);
  const classWeight = torch.rand([5]);
  const values = (r: unknown): unknown => (Array.isArray(r) ? r.map(values) : (r as torch.Tensor).detach().tolist());

  it('reads the arguments after the options position as the options object would give them', () => {
    const cases: [string, unknown[], unknown[]][] = [
      ['conv2d', [x, w, b, 2, 1], [x, w, b, { stride: 2, padding: 1 }]],
      ['conv2d', [x, w, null, 1, 2, 2], [x, w, null, { padding: 2, dilation: 2 }]],
      ['conv2d', [x, w, b, 2, { padding: 1 }], [x, w, b, { stride: 2, padding: 1 }]],
      ['maxPool2d', [x, 3, 2, 1], [x, 3, 2, { padding: 1 }]],
      ['maxPool2d', [x, 3, 1, 0, 2, false, true], [x, 3, 1, { dilation: 2, returnIndices: true }]],
      ['avgPool2d', [x, 3, 2, 1, true, false], [x, 3, 2, { padding: 1, ceilMode: true, countIncludePad: false }]],
      ['adaptiveMaxPool2d', [x, 2, true], [x, 2, { returnIndices: true }]],
      ['dropout', [x, 0.5, false], [x, { p: 0.5, training: false }]],
      ['batchNorm', [x, null, null, null, null, true, 0.1, 0.5], [x, null, null, { training: true, eps: 0.5 }]],
      ['layerNorm', [v, [5], null, null, 0.1], [v, [5], { eps: 0.1 }]],
      ['pad', [v, [1, 2], 'constant', 3], [v, [1, 2], { value: 3 }]],
      ['embedding', [target.clamp(0, 3), v, 1], [target.clamp(0, 3), v, { paddingIdx: 1 }]],
      ['crossEntropy', [v, target, classWeight], [v, target, { weight: classWeight }]],
      ['nllLoss', [v, target, null, null, 2, null, 'sum'], [v, target, { ignoreIndex: 2, reduction: 'sum' }]],
      ['mseLoss', [v, v.mul(2), null, null, 'sum'], [v, v.mul(2), { reduction: 'sum' }]],
      ['huberLoss', [v, v.mul(2), 'none', 0.5], [v, v.mul(2), { reduction: 'none', delta: 0.5 }]],
    ];
    for (const [name, positional, keyword] of cases) {
      const expected = values(F[name](...keyword));
      expect(values(F[name](...positional)), name).toEqual(expected);
    }
    // Without its positional training = False, dropout would have zeroed about half of x.
    expect(F.dropout(x, 0.5, false)).toBe(x);
    expect((F.conv2d(x, w, b, 2, 1) as torch.Tensor).shape).toEqual([2, 4, 4, 4]);
    const y = torch.tensor([-1, 2]);
    expect(F.relu(y, true)).toBe(y);
    expect(y.tolist()).toEqual([0, 2]);
  });

  it("gives Python's TypeErrors for too many arguments, one given both ways and a deprecated reduction", () => {
    expect(() => F.conv2d(x, w, b, 1, 0, 1, 1, 5)).toThrow(
      new torch.TorchTypeError('conv2d() takes from 2 to 7 positional arguments but 8 were given'),
    );
    expect(() => F.sigmoid(v, 1)).toThrow(
      new torch.TorchTypeError('sigmoid() takes 1 positional argument but 2 were given'),
    );
    expect(() => F.maxPool2d(x, 3, 2, 1, { padding: 0 })).toThrow(
      new torch.TorchTypeError("max_pool2d() got multiple values for argument 'padding'"),
    );
    expect(() => F.mseLoss(v, v, false)).toThrow(
      new torch.TorchTypeError(
        "mse_loss: size_average and reduce are deprecated and not supported; pass { reduction: 'none' | 'mean' | 'sum' }",
      ),
    );
    expect(() => F.crossEntropy(v, target, { reduce: false })).toThrow(torch.TorchTypeError);
    expect(() => F.conv2d(x, w, b, { padding_mode: 'zeros' })).toThrow(
      new torch.TorchTypeError(
        "conv2d() got an unexpected keyword argument 'padding_mode': Kindling spells it 'paddingMode'",
      ),
    );
  });
});

describe("Module's methods in PyTorch's positional order", () => {
  it('list, zero and load as the same Python call does', () => {
    const linear = new nn.Linear(2, 3);
    const net = new nn.Sequential(linear, new nn.BatchNorm1d(3));
    // net.named_parameters('enc') -> enc.0.weight ...; net.parameters(False) -> []; net[0].parameters(False) -> 2
    expect(net.namedParameters('enc').map(([name]) => name)).toEqual([
      'enc.0.weight',
      'enc.0.bias',
      'enc.1.weight',
      'enc.1.bias',
    ]);
    expect(net.parameters(false)).toHaveLength(0);
    expect(net.get(0).parameters(false)).toHaveLength(2);
    expect(net.namedBuffers('enc', true).map(([name]) => name)).toEqual([
      'enc.1.running_mean',
      'enc.1.running_var',
      'enc.1.num_batches_tracked',
    ]);
    expect(net.buffers(false)).toHaveLength(0);
    net
      .forward(torch.ones([4, 2]))
      .sum()
      .backward();
    net.zeroGrad(false);
    expect(linear.weight.grad?.tolist()).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    const partial = { '0.weight': net.stateDict()['0.weight'] };
    expect(net.loadStateDict(partial, false).missingKeys).toContain('0.bias');
    expect(() => net.loadStateDict(partial)).toThrow('Missing key(s) in state_dict');
    expect(net.namedParameters({ prefix: 'enc', recurse: false })).toEqual([]);
    expect(() => net.namedParameters({ prefix: 'enc' }, true)).toThrow(
      new torch.TorchTypeError('Module.named_parameters: the options object ({ ... }) must be the last argument'),
    );
  });
});
