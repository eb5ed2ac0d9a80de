/** The benchmark workloads, written once for Kindling; bench/torch_workloads.py holds the same for PyTorch. */
import * as torch from '@kindling/core';
import { type Timing, time } from './harness.js';

/** W1: float32 GEMM. */
export function w1Gemm(): Timing[] {
  return [256, 512, 1024].map((n) => {
    torch.manualSeed(0);
    const a = torch.randn(n, n);
    const b = torch.randn(n, n);
    return time(`W1 matmul ${n}x${n} f32`, () => void a.matmul(b), { runs: n >= 1024 ? 3 : 7, warmup: 1 });
  });
}

/** W5: 1000 small elementwise ops on [16] tensors, forward + backward (framework overhead). */
export function w5SmallOps(): Timing {
  torch.manualSeed(0);
  const x = torch.randn([16], { requiresGrad: true });
  const w = torch.randn(16);
  return time('W5 1000 ops on [16] fwd+bwd', () => {
    let y = x;
    for (let i = 0; i < 250; i++) y = y.mul(w).add(1).tanh().sub(0.5);
    y.sum().backward();
    x.grad = null;
  });
}
