/** Training workloads W2–W4 and the optimizer step, for Kindling; bench/torch_workloads.py has PyTorch's. */
import * as torch from '@kindling/core';
import { nn, type Module, type Tensor } from '@kindling/nn';
import { SGD } from '@kindling/optim';
import { type Timing, time } from './harness.js';

function trainStep(model: Module, optimizer: SGD, x: Tensor, y: Tensor): () => void {
  return () => {
    optimizer.zeroGrad();
    const loss = nn.functional.crossEntropy(model.forward(x) as Tensor, y);
    loss.backward();
    optimizer.step();
  };
}

/** W2: MLP 784→512→256→10 with ReLU, batch 128, cross entropy, SGD momentum 0.9. */
export function w2Mlp(): Timing {
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 256), new nn.ReLU(), new nn.Linear(256, 10));
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return time('W2 MLP train step (b=128)', trainStep(model, opt, torch.randn(128, 784), torch.randint(0, 10, [128])));
}

/** W3: the small CNN of the nn issue, batch 64×1×28×28. */
export function w3Cnn(): Timing {
  torch.manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 32, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(3136, 128),
    new nn.ReLU(),
    new nn.Linear(128, 10),
  );
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return time('W3 CNN train step (b=64)', trainStep(model, opt, torch.randn(64, 1, 28, 28), torch.randint(0, 10, [64])), { runs: 5, warmup: 2 });
}

/** W4: ResNet-18 train step at 16×3×32×32, and eval forward at 1×3×224×224. */
export function w4ResNet(): Timing[] {
  torch.manualSeed(0);
  const model = nn.models.resnet18({ numClasses: 10 });
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  model.train();
  const train = time('W4 ResNet-18 train step (16x32x32)', trainStep(model, opt, torch.randn(16, 3, 32, 32), torch.randint(0, 10, [16])), {
    runs: 3,
    warmup: 1,
    minMs: 0,
  });
  const big = nn.models.resnet18();
  big.eval();
  const x = torch.randn(1, 3, 224, 224);
  const evalFwd = time('W4 ResNet-18 eval forward (224x224)', () => void torch.noGrad(() => big.forward(x)), { runs: 3, warmup: 1, minMs: 0 });
  return [train, evalFwd];
}

/** One SGD-momentum step over ResNet-18's 11.7M parameters (gradients already there). */
export function optimizerStep(): Timing {
  torch.manualSeed(0);
  const model = nn.models.resnet18();
  for (const p of model.parameters()) p.grad = torch.randnLike(p);
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return time('SGD step over ResNet-18 params', () => void opt.step(), { runs: 5, warmup: 2, minMs: 0 });
}
