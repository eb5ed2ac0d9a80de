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

if "--training" in sys.argv:
    import torchvision
    from torch import nn

    def train_step(model, opt, x, y):
        def step():
            opt.zero_grad(set_to_none=True)
            nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
        return step

    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = torch.optim.SGD(mlp.parameters(), lr=0.01, momentum=0.9)
    results["W2 MLP train step (b=128)"] = bench(train_step(mlp, opt, torch.randn(128, 784), torch.randint(0, 10, (128,))))

    cnn = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.SGD(cnn.parameters(), lr=0.01, momentum=0.9)
    results["W3 CNN train step (b=64)"] = bench(train_step(cnn, opt, torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))), runs=5, warmup=2)

    r18 = torchvision.models.resnet18(num_classes=10)
    r18.train()
    opt = torch.optim.SGD(r18.parameters(), lr=0.01, momentum=0.9)
    results["W4 ResNet-18 train step (16x32x32)"] = bench(train_step(r18, opt, torch.randn(16, 3, 32, 32), torch.randint(0, 10, (16,))),
                                                       runs=3, warmup=1, min_ms=0)
    big = torchvision.models.resnet18()
    big.eval()
    x = torch.randn(1, 3, 224, 224)

    def eval_forward():
        with torch.no_grad():
            big(x)
    results["W4 ResNet-18 eval forward (224x224)"] = bench(eval_forward, runs=3, warmup=1, min_ms=0)

    full = torchvision.models.resnet18()
    for p in full.parameters():
        p.grad = torch.randn_like(p)
    opt = torch.optim.SGD(full.parameters(), lr=0.01, momentum=0.9)
    results["SGD step over ResNet-18 params"] = bench(opt.step, runs=5, warmup=2, min_ms=0)

print(json.dumps(results))
