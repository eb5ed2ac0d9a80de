/** The benchmark workloads, written once for Kindling; bench/torch_workloads.py holds the same for PyTorch. */
import * as torch from '@kindling/core';
import type { TimeOptions } from './harness.js';

/**
 * One workload: `setup` builds its inputs and model (seeded) under the current kernel backend and returns the
 * function timed; run.ts passes `timing` to both sides (torch_workloads.py builds PyTorch's under the same name).
 */
export interface Workload {
  name: string;
  /** Kept by `--quick`. */
  quick: boolean;
  /** Floating-point operations per call, where the count is exact (GEMM): reported as GFLOP/s. */
  flops?: number;
  timing: TimeOptions;
  setup(): () => void;
}

/** W1: float32 GEMM, n×n by n×n (2n³ flops). */
export function w1Gemm(): Workload[] {
  return [256, 512, 1024].map((n) => ({
    name: `W1 matmul ${n}x${n} f32`,
    quick: n < 1024,
    flops: 2 * n * n * n,
    timing: { runs: n >= 1024 ? 3 : 7, warmup: 1 },
    setup: () => {
      torch.manualSeed(0);
      const a = torch.randn(n, n);
      const b = torch.randn(n, n);
      return () => void a.matmul(b);
    },
  }));
}
