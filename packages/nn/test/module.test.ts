import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn, Module, Parameter, type Tensor } from '@kindling/nn';

const golden = JSON.parse(readFileSync(new URL('./fixtures/modules.json', import.meta.url), 'utf8')) as {
  reprs: Record<string, string>;
  netStateKeys: [string, number[]][];
  netNamedParameters: string[];
  netNamedModules: string[];
  netNamedBuffers: string[];
  loadError: string;
  parameterRepr: string;
};

class Net extends Module {
  conv = new nn.Conv2d(1, 4, 3, { padding: 1 });
  bn = new nn.BatchNorm2d(4);
  head = new nn.Sequential(new nn.Flatten(), new nn.Linear(4 * 8 * 8, 10), new nn.ReLU());
  declare scale: Tensor;
  declare cache: Tensor;

  constructor() {
    super();
    this.registerBuffer('scale', torch.ones(1));
    this.registerBuffer('cache', torch.zeros(2), { persistent: false });
  }

  override forward(x: Tensor): Tensor {
    return this.head.forward(this.bn.forward(this.conv.forward(x)));
  }
}

describe('Module registration', () => {
  it('finds parameters, buffers and sub-modules from fields, in PyTorch order', () => {
    const net = new Net();
    expect(Object.entries(net.stateDict()).map(([k, v]) => [k, v.shape])).toEqual(golden.netStateKeys);
    expect(net.namedParameters().map(([n]) => n)).toEqual(golden.netNamedParameters);
    expect(net.namedModules().map(([n]) => n)).toEqual(golden.netNamedModules);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(golden.netNamedBuffers);
    expect(net.parameters().length).toBe(golden.netNamedParameters.length);
    expect(net.children().length).toBe(3);
  });

  it('replaces a sub-module in place when a field is reassigned (seed 001)', () => {
    const model = nn.models.resnet18();
    for (const p of model.parameters()) p.requiresGrad = false;
    model.fc = new nn.Linear(512, 100);
    const keys = Object.keys(model.stateDict());
    expect(keys.slice(-2)).toEqual(['fc.weight', 'fc.bias']);
    expect(model.stateDict()['fc.weight'].shape).toEqual([100, 512]);
    const trainable = model.parameters().filter((p) => p.requiresGrad);
    // Identity, element by element: toEqual would iterate each tensor (tensors are iterable, as in PyTorch).
    expect(trainable.length).toBe(2);
    expect(trainable[0]).toBe(model.fc.weight);
    expect(trainable[1]).toBe(model.fc.bias);
  });

  it('counts each shared parameter once', () => {
    class Tied extends Module {
      a = new nn.Linear(2, 2);
      b = new nn.Linear(2, 2);
      constructor() {
        super();
        this.b.weight = this.a.weight;
      }
    }
    const m = new Tied();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['a.weight', 'a.bias', 'b.bias']);
  });

  it('switches train/eval recursively and zeroes grads', () => {
    const net = new Net();
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.head.get(1).training).toBe(true);
    const x = torch.randn(2, 1, 8, 8);
    net.forward(x).sum().backward();
    expect(net.conv.weight.grad).not.toBeNull();
    net.zeroGrad({ setToNone: false });
    expect(net.conv.weight.grad!.abs().sum().item()).toBe(0);
    net.zeroGrad();
    expect(net.conv.weight.grad).toBeNull();
  });

  it('runs forward pre-hooks and hooks, and removes them', () => {
    const lin = new nn.Linear(2, 2);
    const calls: string[] = [];
    const pre = lin.registerForwardPreHook((_m, input) => {
      calls.push('pre');
      return [(input[0] as Tensor).mul(0)];
    });
    const post = lin.registerForwardHook((_m, _input, output) => {
      calls.push('post');
      return (output as Tensor).add(1);
    });
    const y = lin.forward(torch.ones(1, 2));
    expect(calls).toEqual(['pre', 'post']);
    expect(Array.from(y.toArray()).map((v) => Math.fround(v))).toEqual(Array.from(lin.bias!.add(1).toArray()));
    pre.remove();
    post.remove();
    calls.length = 0;
    lin.forward(torch.ones(1, 2));
    expect(calls).toEqual([]);
  });
});

describe('printing', () => {
  it('prints every layer as PyTorch does', () => {
    const r = golden.reprs;
    expect(new nn.Linear(3, 2).toString()).toBe(r.linear);
    expect(new nn.Linear(3, 2, { bias: false }).toString()).toBe(r.linearNoBias);
    expect(new nn.Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false }).toString()).toBe(r.conv);
    expect(new nn.Conv2d(3, 8, 3, { padding: 'same', dilation: 2 }).toString()).toBe(r.convSame);
    expect(new nn.Conv2d(4, 8, [3, 5], { stride: [1, 2], padding: [1, 2], groups: 2 }).toString()).toBe(r.convGroups);
    expect(new nn.BatchNorm2d(64).toString()).toBe(r.bn2d);
    expect(
      new nn.BatchNorm1d(10, { eps: 1e-3, momentum: null, affine: false, trackRunningStats: false }).toString(),
    ).toBe(r.bn1dNoMomentum);
    expect(new nn.LayerNorm([4, 5], { eps: 1e-6 }).toString()).toBe(r.layerNorm);
    expect(new nn.ReLU().toString()).toBe(r.relu);
    expect(new nn.ReLU(true).toString()).toBe(r.reluInplace);
    expect(new nn.LeakyReLU(0.2).toString()).toBe(r.leaky);
    expect(new nn.GELU().toString()).toBe(r.gelu);
    expect(new nn.Softmax(1).toString()).toBe(r.softmax);
    expect(new nn.LogSoftmax(-1).toString()).toBe(r.logSoftmax);
    expect(new nn.Dropout(0.25).toString()).toBe(r.dropout);
    expect(new nn.MaxPool2d(3, { stride: 2, padding: 1 }).toString()).toBe(r.maxpool);
    expect(new nn.AvgPool2d(2).toString()).toBe(r.avgpool);
    expect(new nn.AdaptiveAvgPool2d([1, 1]).toString()).toBe(r.adaptive);
    expect(new nn.Embedding(10, 3, { paddingIdx: 0 }).toString()).toBe(r.embedding);
    expect(new nn.Flatten().toString()).toBe(r.flatten);
    expect(new nn.Identity().toString()).toBe(r.identity);
    expect(new nn.CrossEntropyLoss().toString()).toBe(r.crossEntropy);
    expect(new nn.MSELoss().toString()).toBe(r.mse);
  });

  it('prints nested containers and user modules with indentation', () => {
    const r = golden.reprs;
    const seq = new nn.Sequential(
      new nn.Linear(2, 3),
      new nn.Sequential(new nn.ReLU(), new nn.Linear(3, 1)),
      new nn.Sigmoid(),
    );
    expect(seq.toString()).toBe(r.sequential);
    expect(new nn.ModuleList([new nn.Linear(1, 1), new nn.Tanh()]).toString()).toBe(r.moduleList);
    expect(new nn.ModuleDict({ a: new nn.Linear(1, 2), b: new nn.ReLU() }).toString()).toBe(r.moduleDict);
    expect(new Net().toString()).toBe(r.net);
  });

  it('prints a Parameter as PyTorch does', () => {
    expect(new Parameter(torch.tensor([1.0, 2.0], { dtype: 'float32' })).toString()).toBe(golden.parameterRepr);
  });
});

describe('state dicts', () => {
  it('copies values into the existing parameters', () => {
    const a = new Net();
    const b = new Net();
    const w = b.conv.weight;
    b.loadStateDict(a.stateDict());
    expect(b.conv.weight).toBe(w);
    expect(Array.from(w.toArray())).toEqual(Array.from(a.conv.weight.toArray()));
  });

  it("throws PyTorch's message listing every problem, and loads nothing", () => {
    const net = new Net();
    const before = Array.from(net.conv.weight.toArray());
    const sd = net.stateDict();
    const wrong: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(sd)) if (k !== 'bn.running_mean') wrong[k] = k === 'conv.weight' ? v.add(1) : v;
    wrong['head.1.weight'] = torch.zeros(5, 256);
    wrong['extra.weight'] = torch.zeros(1);
    expect(() => net.loadStateDict(wrong)).toThrow(golden.loadError);
    expect(Array.from(net.conv.weight.toArray())).toEqual(before);
  });

  it('returns missing and unexpected keys when not strict', () => {
    const net = new Net();
    const sd = net.stateDict();
    delete sd['bn.bias'];
    sd['extra'] = torch.zeros(1);
    expect(net.loadStateDict(sd, { strict: false })).toEqual({ missingKeys: ['bn.bias'], unexpectedKeys: ['extra'] });
  });

  it('round-trips through a safetensors file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-'));
    try {
      const a = new Net();
      const path = join(dir, 'net.safetensors');
      torch.save(a.stateDict(), path);
      const b = new Net();
      b.loadStateDict(torch.load(path));
      expect(Object.keys(b.stateDict())).toEqual(Object.keys(a.stateDict()));
      for (const [k, v] of Object.entries(a.stateDict()))
        expect(Array.from(b.stateDict()[k].toArray())).toEqual(Array.from(v.toArray()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Module.to with a device', () => {
  it("stays on the CPU for torch.device('cpu'), and throws PyTorch's message for CUDA", () => {
    const net = new nn.Linear(2, 2);
    const weight = net.weight;
    expect(net.to(torch.device(torch.cuda.isAvailable() ? 'cuda:0' : 'cpu'))).toBe(net);
    expect(net.weight).toBe(weight);
    expect(() => net.to('cuda:0')).toThrow(new torch.AssertionError('Torch not compiled with CUDA enabled'));
  });
});
