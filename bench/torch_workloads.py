"""The PyTorch side of bench/workloads.ts and bench/workloads-training.ts: the same workloads, op for op, timed the
same way (bench/harness.ts), printed as one JSON line {"torch", "threads", "timings": {name: ms}}.

    /usr/bin/python3 bench/torch_workloads.py [THREADS=1] [--quick]

`--quick` keeps the workloads that bench/run.ts --quick keeps (marked quick there).
"""
import json
import math
import sys
import time

import torch

args = [a for a in sys.argv[1:] if not a.startswith('--')]
torch.set_num_threads(int(args[0]) if args else 1)
quick = '--quick' in sys.argv

SLOW_MS = 500.0  # bench/harness.ts: a first call this slow gets no more warm-up and at most 3 single-call samples
WARM_UP_MS = 500.0  # bench/harness.ts: untimed calls last this long from the first, and at least two more


def bench(fn, warmup=3, runs=7, min_ms=50.0):
    first = time.perf_counter()
    fn()
    slow = (time.perf_counter() - first) * 1000 >= SLOW_MS
    if slow:
        warmup, runs, min_ms = 1, min(runs, 3), 0.0
    for _ in range(warmup - 1):
        fn()
    calls = 0
    while not slow and (calls < 2 or (time.perf_counter() - first) * 1000 < WARM_UP_MS):
        fn()
        calls += 1
    iters = 1
    while min_ms > 0:
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

# W1: float32 GEMM
for n in (256, 512) if quick else (256, 512, 1024):
    torch.manual_seed(0)
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    results[f"W1 matmul {n}x{n} f32"] = bench(lambda: a @ b, runs=3 if n >= 1024 else 7, warmup=1)

# W5: 1000 small ops, forward + backward
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

from torch import nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

# Batch-1 inference: 100 forwards of a 784-256-10 MLP under no_grad
torch.manual_seed(0)
mlp1 = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
mlp1.eval()
x1 = torch.randn(1, 784)


def batch1():
    with torch.no_grad():
        for _ in range(100):
            mlp1(x1)


results["MLP 784-256-10 batch-1 eval x100"] = bench(batch1)

# 100 SGD-momentum steps over 200 small parameters
torch.manual_seed(0)
small = []
for _ in range(200):
    p = nn.Parameter(torch.randn(16, 16))
    p.grad = torch.randn(16, 16)
    small.append(p)
small_opt = torch.optim.SGD(small, lr=0.01, momentum=0.9)


def sgd_small():
    for _ in range(100):
        small_opt.step()


results["SGD momentum x100 over 200 [16,16] params"] = bench(sgd_small)


def train_step(model, opt, x, y, loss=F.cross_entropy):
    def step():
        opt.zero_grad(set_to_none=True)
        loss(model(x), y).backward()
        opt.step()
    return step


class TransformerBlock(nn.Module):
    """Op for op bench/workloads-training.ts's TransformerBlock (pre-LayerNorm, bmm attention, GELU MLP)."""

    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.ln2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        B, T, D = x.shape
        H = self.heads
        hd = D // H

        def heads(t):
            return t.reshape(B, T, H, hd).transpose(1, 2).reshape(B * H, T, hd)
        q, k, v = map(heads, self.qkv(self.ln1(x)).split(D, -1))
        att = torch.bmm(q, k.transpose(1, 2)).mul(1 / math.sqrt(hd)).softmax(-1)
        ctx = torch.bmm(att, v).reshape(B, H, T, hd).transpose(1, 2).reshape(B, T, D)
        h = x + self.proj(ctx)
        return h + self.fc2(self.act(self.fc1(self.ln2(h))))


# W2: MLP train step
torch.manual_seed(0)
mlp = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
opt = torch.optim.SGD(mlp.parameters(), lr=0.01, momentum=0.9)
results["W2 MLP train step (b=128)"] = bench(train_step(mlp, opt, torch.randn(128, 784), torch.randint(0, 10, (128,))))

if not quick:
    import torchvision

    # W3: small CNN train step
    torch.manual_seed(0)
    cnn = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.SGD(cnn.parameters(), lr=0.01, momentum=0.9)
    results["W3 CNN train step (b=64)"] = bench(train_step(cnn, opt, torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))), runs=5, warmup=12)

    # W4: ResNet-18 train step and eval forward
    torch.manual_seed(0)
    r18 = torchvision.models.resnet18(num_classes=10)
    r18.train()
    opt = torch.optim.SGD(r18.parameters(), lr=0.01, momentum=0.9)
    results["W4 ResNet-18 train step (16x32x32)"] = bench(train_step(r18, opt, torch.randn(16, 3, 32, 32), torch.randint(0, 10, (16,))),
                                                       runs=7, warmup=8, min_ms=0)
    torch.manual_seed(0)
    big = torchvision.models.resnet18()
    big.eval()
    x224 = torch.randn(1, 3, 224, 224)

    def eval_forward():
        with torch.no_grad():
            big(x224)
    results["W4 ResNet-18 eval forward (224x224)"] = bench(eval_forward, runs=7, warmup=3, min_ms=0)

    # Transformer block train step with AdamW
    torch.manual_seed(0)
    block = TransformerBlock(256, 4, 1024)
    opt = torch.optim.AdamW(block.parameters(), lr=1e-3, weight_decay=0.01)
    results["Transformer block train step (8x64x256)"] = bench(train_step(block, opt, torch.randn(8, 64, 256), torch.randn(8, 64, 256),
                                                                           F.mse_loss), runs=5, warmup=2)

    # The optimizer step alone
    torch.manual_seed(0)
    full = torchvision.models.resnet18()
    for p in full.parameters():
        p.grad = torch.randn_like(p)
    opt = torch.optim.SGD(full.parameters(), lr=0.01, momentum=0.9)
    results["SGD step over ResNet-18 params"] = bench(opt.step, runs=5, warmup=2, min_ms=0)



def build_info():
    """The CPU capability PyTorch dispatches to and the BLAS library it has loaded (Linux: from /proc/self/maps)."""
    info = {}
    for line in torch.__config__.show().split('\n'):
        if 'CPU capability usage:' in line:
            info['cpuCapability'] = line.split(':', 1)[1].strip()
    try:
        with open('/proc/self/maps') as f:
            libs = sorted({ln.split('/')[-1].strip() for ln in f if 'blas' in ln.lower() and '/' in ln})
        if libs:
            info['blas'] = ', '.join(libs)
    except OSError:
        pass
    return info


print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), **build_info(), 'timings': results}))
