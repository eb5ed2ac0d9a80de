/** Training workloads W2–W4, the transformer block and the optimizer step, for Kindling; bench/torch_workloads.py has PyTorch's. */
import * as torch from '@kindling/core';
import { GELU, LayerNorm, Linear, Module, nn, type Tensor } from '@kindling/nn';
import { AdamW, type Optimizer, SGD } from '@kindling/optim';
import type { Workload } from './workloads.js';

function trainStep(
  model: Module,
  optimizer: Optimizer,
  x: Tensor,
  y: Tensor,
  loss = nn.functional.crossEntropy,
): () => void {
  return () => {
    optimizer.zeroGrad();
    loss(model.forward(x) as Tensor, y).backward();
    optimizer.step();
  };
}

/** The model and data of W2, shared with bench/memory.ts. */
export function mlpStep(): () => void {
  torch.manualSeed(0);
  const model = new nn.Sequential(
    new nn.Linear(784, 512),
    new nn.ReLU(),
    new nn.Linear(512, 256),
    new nn.ReLU(),
    new nn.Linear(256, 10),
  );
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return trainStep(model, opt, torch.randn(128, 784), torch.randint(0, 10, [128]));
}

/** W2: MLP 784→512→256→10 with ReLU, batch 128, cross entropy, SGD momentum 0.9. */
export function w2Mlp(): Workload {
  return { name: 'W2 MLP train step (b=128)', quick: true, timing: {}, setup: mlpStep };
}

/** W3: the small CNN of the nn issue, batch 64×1×28×28. */
export function w3Cnn(): Workload {
  return {
    name: 'W3 CNN train step (b=64)',
    quick: false,
    // Steady state, on both sides: as W4's (below), Kindling's first ten steps or so map fresh memory.
    timing: { runs: 5, warmup: 12 },
    setup: () => {
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
      return trainStep(model, opt, torch.randn(64, 1, 28, 28), torch.randint(0, 10, [64]));
    },
  };
}

/** W4: ResNet-18 train step at 16×3×32×32, and eval forward at 1×3×224×224. */
export function w4ResNet(): Workload[] {
  return [
    {
      name: 'W4 ResNet-18 train step (16x32x32)',
      quick: false,
      // Steady state, on both sides: Kindling's first five steps or so map fresh memory (their arrays' buffers are
      // freed for reuse only once the collector has run), 1,300-10,500 page faults a step on the development VM,
      // 40-120 ms of it; from then on a step takes few. The optimizer state fills up in the first step too.
      timing: { runs: 7, warmup: 8, minMs: 0 },
      setup: () => {
        torch.manualSeed(0);
        const model = nn.models.resnet18({ numClasses: 10 });
        const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
        model.train();
        return trainStep(model, opt, torch.randn(16, 3, 32, 32), torch.randint(0, 10, [16]));
      },
    },
    {
      name: 'W4 ResNet-18 eval forward (224x224)',
      quick: false,
      // Steady state: the first steps of a ResNet pay for the storage pool and the optimizer state filling up.
      timing: { runs: 7, warmup: 3, minMs: 0 },
      setup: () => {
        torch.manualSeed(0);
        const big = nn.models.resnet18();
        big.eval();
        const x = torch.randn(1, 3, 224, 224);
        return () => void torch.noGrad(() => big.forward(x));
      },
    },
  ];
}

/**
 * A pre-LayerNorm transformer block, op for op the same as TransformerBlock in bench/torch_workloads.py:
 * x + proj(attention(qkv(ln1(x)))), then h + fc2(gelu(fc1(ln2(h)))), attention as two bmm around a softmax.
 */
export class TransformerBlock extends Module {
  ln1: LayerNorm;
  qkv: Linear;
  proj: Linear;
  ln2: LayerNorm;
  fc1: Linear;
  act: GELU;
  fc2: Linear;
  readonly heads: number;

  constructor(dim: number, heads: number, hidden: number) {
    super();
    this.heads = heads;
    this.ln1 = new LayerNorm(dim);
    this.qkv = new Linear(dim, 3 * dim);
    this.proj = new Linear(dim, dim);
    this.ln2 = new LayerNorm(dim);
    this.fc1 = new Linear(dim, hidden);
    this.act = new GELU();
    this.fc2 = new Linear(hidden, dim);
  }

  override forward(x: Tensor): Tensor {
    const [B, T, D] = x.shape;
    const H = this.heads;
    const hd = D / H;
    const heads = (t: Tensor): Tensor =>
      t
        .reshape(B, T, H, hd)
        .transpose(1, 2)
        .reshape(B * H, T, hd);
    const [q, k, v] = this.qkv.forward(this.ln1.forward(x)).split(D, -1).map(heads);
    const att = torch
      .bmm(q, k.transpose(1, 2))
      .mul(1 / Math.sqrt(hd))
      .softmax(-1);
    const ctx = torch.bmm(att, v).reshape(B, H, T, hd).transpose(1, 2).reshape(B, T, D);
    const h = x.add(this.proj.forward(ctx));
    return h.add(this.fc2.forward(this.act.forward(this.fc1.forward(this.ln2.forward(h)))));
  }
}

/** Transformer block train step: d=256, 4 heads, seq 64, batch 8, MLP 256→1024→256, MSE loss, AdamW. */
export function transformerBlock(): Workload {
  return {
    name: 'Transformer block train step (8x64x256)',
    quick: false,
    timing: { runs: 5, warmup: 2 },
    setup: () => {
      torch.manualSeed(0);
      const model = new TransformerBlock(256, 4, 1024);
      const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
      return trainStep(model, opt, torch.randn(8, 64, 256), torch.randn(8, 64, 256), (out, y) =>
        nn.functional.mseLoss(out, y),
      );
    },
  };
}

/** One SGD-momentum step over ResNet-18's 11.7M parameters (gradients already there). */
export function optimizerStep(): Workload {
  return {
    name: 'SGD step over ResNet-18 params',
    quick: false,
    timing: { runs: 5, warmup: 2, minMs: 0 },
    setup: () => {
      torch.manualSeed(0);
      const model = nn.models.resnet18();
      for (const p of model.parameters()) p.grad = torch.randnLike(p);
      const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
      return () => void opt.step();
    },
  };
}
