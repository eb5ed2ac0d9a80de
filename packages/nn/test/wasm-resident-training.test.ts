// Training on the WebAssembly backend with the model's parameters and the optimizers' state in the module's memory
// (made while that backend is active: its kernels then update them where they are) gives the same bits as with
// every array in JavaScript memory, copied in and out of the module by each call.
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn, type Sequential } from '@kindling/nn';
import { Adam, SGD } from '@kindling/optim';
import { wasmStorage } from '../../core/test/helpers/wasm-storage.js';

const initial = torch.getKernelBackend();
afterAll(() => void torch.setKernelBackend(initial));

const storage = wasmStorage();

/** Conv, batch norm, relu, max pooling, linear: parameters of even and odd sizes, large enough for the module. */
function model(): Sequential {
  return new nn.Sequential(
    new nn.Conv2d(3, 16, 3, { padding: 1 }),
    new nn.BatchNorm2d(16),
    new nn.ReLU({ inplace: true }),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 35, 3),
    new nn.ReLU(),
    new nn.Flatten(),
    new nn.Linear(35 * 5 * 5, 11),
  );
}

/** Three steps from `start`'s weights, with the model and optimizer made while `makeOn` is the backend. */
function train(makeOn: 'wasm' | 'typescript', start: Record<string, torch.Tensor>, optimizer: 'sgd' | 'adam') {
  const previous = torch.setKernelBackend(makeOn);
  const net = model();
  net.loadStateDict(start);
  const params = net.parameters();
  const opt =
    optimizer === 'sgd'
      ? new SGD(params, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4 })
      : new Adam(params, { lr: 1e-3, weightDecay: 1e-2, amsgrad: true });
  torch.setKernelBackend('wasm');
  try {
    torch.manualSeed(1);
    const x = torch.randn(8, 3, 14, 14);
    const y = torch.randint(0, 11, [8]);
    for (let step = 0; step < 3; step++) {
      const loss = nn.functional.crossEntropy(net.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    net.eval();
    const out = torch.noGrad(() => net.forward(x));
    return {
      values: [...params, out].map((t) => Array.from(t.detach().contiguous()._array)),
      resident: params.filter((p: torch.Tensor) => storage?.owns(p._array)).length,
    };
  } finally {
    torch.setKernelBackend(previous);
  }
}

describe.skipIf(storage === undefined)("training with parameters in the WebAssembly module's memory", () => {
  for (const optimizer of ['sgd', 'adam'] as const) {
    it(`gives the bits of a run through copies (${optimizer})`, () => {
      torch.manualSeed(0);
      const start = model().stateDict();
      const copied = train('typescript', start, optimizer);
      const inPlace = train('wasm', start, optimizer);
      expect(copied.resident).toBe(0);
      expect(inPlace.resident).toBe(2); // the second convolution's weight (5,040 elements) and the linear one (9,625)
      inPlace.values.forEach((v, i) => expect(v, `tensor ${i}`).toEqual(copied.values[i]));
    });
  }
});
