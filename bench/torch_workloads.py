"""The PyTorch side of bench/workloads.ts: the same workloads, timed the same way, printed as one JSON line."""
import json
import sys
import time

import torch

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)


def bench(fn, warmup=3, runs=7, min_ms=50.0):
    for _ in range(warmup):
        fn()
    iters = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        dt = (time.perf_counter() - t0) * 1000
        if dt >= min_ms or iters >= 1 << 20:
            break
        iters *= 2
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        samples.append((time.perf_counter() - t0) * 1000 / iters)
    samples.sort()
    return samples[len(samples) // 2]


results = {}
for n in (256, 512, 1024):
    torch.manual_seed(0)
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    results[f"W1 matmul {n}x{n} f32"] = bench(lambda: a @ b, runs=3 if n >= 1024 else 7, warmup=1)

torch.manual_seed(0)
x = torch.randn(16, requires_grad=True)
w = torch.randn(16)


def w5():
    y = x
    for _ in range(250):
        y = ((y * w + 1).tanh()) - 0.5
    y.sum().backward()
    x.grad = None


results["W5 1000 ops on [16] fwd+bwd"] = bench(w5)
print(json.dumps(results))
