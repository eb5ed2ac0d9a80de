"""The PyTorch side of bench/workloads.ts and bench/workloads-training.ts: the same workloads, op for op, timed the
same way (bench/harness.ts), served to bench/torch-remote.ts one request at a time.

    /usr/bin/python3 bench/torch_workloads.py THREADS

Each request is one JSON line on stdin, each reply one JSON line on stdout:
    {"op": "meta"}                                   -> {"torch", "threads", "cpuCapability", "blas"}
    {"op": "setup", "name": N}                  -> {}  (builds workload N, seeded, in place of the last one)
    {"op": "calibrate", "warmup", "minMs"}      -> {"iterations"}  (warm-up, then a sample's iterations)
    {"op": "sample", "iterations", "warm"}      -> {"ms"}  (after `warm` untimed calls, the mean of `iterations`)
An error is {"error": message}. One workload lives at a time, so that each starts with the last one's memory
freed, as each of Kindling's starts after a full garbage collection.
"""
import json
import math
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)

WARM_UP_MS = 500.0  # bench/harness.ts: untimed calls last this long from the first: `warmup` of them and two more


def calibrate(fn, warmup, min_ms):
    first = time.perf_counter()
    calls = 0
    while calls < warmup + 2 or (time.perf_counter() - first) * 1000 < WARM_UP_MS:
        fn()
        calls += 1
    iters = 1
    while min_ms > 0:
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        if (time.perf_counter() - t0) * 1000 >= min_ms or iters >= 1 << 20:
            break
        iters *= 2
    return iters


def sample(fn, iterations, warm):
    for _ in range(warm):
        fn()
    t0 = time.perf_counter()
    for _ in range(iterations):
        fn()
    return (time.perf_counter() - t0) * 1000 / iterations


WORKLOADS = {}


def workload(name):
    def register(setup):
        WORKLOADS[name] = setup
        return setup
    return register


def gemm(n):
    def setup():
        torch.manual_seed(0)
        a = torch.randn(n, n)
        b = torch.randn(n, n)
        return lambda: a @ b
    return setup


for _n in (256, 512, 1024):
    WORKLOADS[f"W1 matmul {_n}x{_n} f32"] = gemm(_n)


@workload("W5 1000 ops on [16] fwd+bwd")
def w5():
    torch.manual_seed(0)
    x = torch.randn(16, requires_grad=True)
    w = torch.randn(16)

    def run():
        y = x
        for _ in range(250):
            y = ((y * w + 1).tanh()) - 0.5
        y.sum().backward()
        x.grad = None
    return run


@workload("MLP 784-256-10 batch-1 eval x100")
def batch1():
    """Batch-1 inference: 100 forwards of a 784-256-10 MLP under no_grad."""
    torch.manual_seed(0)
    mlp1 = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    mlp1.eval()
    x1 = torch.randn(1, 784)

    def run():
        with torch.no_grad():
            for _ in range(100):
                mlp1(x1)
    return run


@workload("SGD momentum x100 over 200 [16,16] params")
def sgd_small():
    torch.manual_seed(0)
    small = []
    for _ in range(200):
        p = nn.Parameter(torch.randn(16, 16))
        p.grad = torch.randn(16, 16)
        small.append(p)
    opt = torch.optim.SGD(small, lr=0.01, momentum=0.9)

    def run():
        for _ in range(100):
            opt.step()
    return run


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


@workload("W2 MLP train step (b=128)")
def w2():
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = torch.optim.SGD(mlp.parameters(), lr=0.01, momentum=0.9)
    return train_step(mlp, opt, torch.randn(128, 784), torch.randint(0, 10, (128,)))


@workload("W3 CNN train step (b=64)")
def w3():
    torch.manual_seed(0)
    cnn = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.SGD(cnn.parameters(), lr=0.01, momentum=0.9)
    return train_step(cnn, opt, torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,)))


@workload("W4 ResNet-18 train step (16x32x32)")
def w4_train():
    import torchvision
    torch.manual_seed(0)
    r18 = torchvision.models.resnet18(num_classes=10)
    r18.train()
    opt = torch.optim.SGD(r18.parameters(), lr=0.01, momentum=0.9)
    return train_step(r18, opt, torch.randn(16, 3, 32, 32), torch.randint(0, 10, (16,)))


@workload("W4 ResNet-18 eval forward (224x224)")
def w4_eval():
    import torchvision
    torch.manual_seed(0)
    big = torchvision.models.resnet18()
    big.eval()
    x224 = torch.randn(1, 3, 224, 224)

    def run():
        with torch.no_grad():
            big(x224)
    return run


@workload("Transformer block train step (8x64x256)")
def transformer():
    """A transformer block's train step with AdamW."""
    torch.manual_seed(0)
    block = TransformerBlock(256, 4, 1024)
    opt = torch.optim.AdamW(block.parameters(), lr=1e-3, weight_decay=0.01)
    return train_step(block, opt, torch.randn(8, 64, 256), torch.randn(8, 64, 256), F.mse_loss)


@workload("SGD step over ResNet-18 params")
def sgd_resnet():
    """The optimizer step alone."""
    import torchvision
    torch.manual_seed(0)
    full = torchvision.models.resnet18()
    for p in full.parameters():
        p.grad = torch.randn_like(p)
    return torch.optim.SGD(full.parameters(), lr=0.01, momentum=0.9).step


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


def serve():
    current = None
    while line := sys.stdin.readline():
        request = json.loads(line)
        op = request['op']
        try:
            if op == 'meta':
                reply = {'torch': torch.__version__, 'threads': torch.get_num_threads(), **build_info()}
            elif op == 'setup':
                current = None
                current = WORKLOADS[request['name']]()
                reply = {}
            elif op == 'calibrate':
                reply = {'iterations': calibrate(current, request['warmup'], request['minMs'])}
            elif op == 'sample':
                reply = {'ms': sample(current, request['iterations'], request.get('warm', 0))}
            else:
                reply = {'error': f'unknown request {op!r}'}
        except Exception as e:  # noqa: BLE001 -- every failure goes back to the benchmark as a message
            reply = {'error': f'{type(e).__name__}: {e}'}
        print(json.dumps(reply), flush=True)


serve()
