"""Golden values for the torchvision interop test of Kindling's ResNet.

Run: /usr/bin/python3 tools/golden/resnet.py

The weights of a torchvision resnet18(num_classes=10) are set from a closed formula (see `formula`), which the
TypeScript test evaluates the same way, so the 45 MB checkpoint need not be committed; this script checks that the
state dict it fills has exactly the keys, order and shapes Kindling's model must have, and records what
torchvision computes with those weights: eval logits, train-mode logits, the cross-entropy loss and its
gradients for fc.weight and conv1.weight, and the BatchNorm running statistics after one train forward.
"""
import json
import math
import os

import numpy as np
import torch
import torchvision

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'resnet18.json')


def hash_uniform(n, seed):
    """Uniform values in [-1, 1) from a murmur3-style integer hash of (index, seed): exact in any language."""
    h = (np.arange(n, dtype=np.uint64) * np.uint64(0x9E3779B1) + np.uint64(seed) * np.uint64(0x85EBCA77)) & np.uint64(0xFFFFFFFF)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & np.uint64(0xFFFFFFFF)
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & np.uint64(0xFFFFFFFF)
    h ^= h >> np.uint64(16)
    return h.astype(np.float64) / 2.0 ** 31 - 1.0


def formula(k, n, kind, fan_in):
    s = hash_uniform(n, k + 1)
    if kind == 'running_var':
        v = 1.0 + 0.25 * (1.0 + s)
    elif kind == 'running_mean':
        v = 0.1 * s
    elif kind == 'bn_weight':
        v = 1.0 + 0.1 * s
    elif kind == 'bias':
        v = 0.05 * s
    else:
        v = math.sqrt(6.0 / fan_in) * s
    return v.astype(np.float32)


def kind_of(name, t):
    if name.endswith('running_var'):
        return 'running_var'
    if name.endswith('running_mean'):
        return 'running_mean'
    if t.dim() == 1 and name.endswith('weight'):
        return 'bn_weight'
    if name.endswith('bias'):
        return 'bias'
    return 'weight'


def main():
    model = torchvision.models.resnet18(num_classes=10)
    sd = model.state_dict()
    entries = []
    with torch.no_grad():
        for k, (name, t) in enumerate(sd.items()):
            entries.append({'name': name, 'shape': list(t.shape), 'dtype': str(t.dtype).replace('torch.', '')})
            if name.endswith('num_batches_tracked'):
                t.fill_(k)
                continue
            fan_in = int(np.prod(t.shape[1:])) if t.dim() > 1 else 1
            t.copy_(torch.from_numpy(formula(k, t.numel(), kind_of(name, t), fan_in)).view(t.shape))
    model.load_state_dict(sd)

    x = torch.from_numpy(hash_uniform(2 * 3 * 64 * 64, 1000).astype(np.float32)).view(2, 3, 64, 64)
    target = torch.tensor([3, 7])

    model.eval()
    with torch.no_grad():
        eval_logits = model(x)
    model.train()
    train_logits = model(x)
    loss = torch.nn.functional.cross_entropy(train_logits, target)
    loss.backward()
    # The values must not hinge on float32 rounding: the same model in float64 agrees closely.
    m64 = torchvision.models.resnet18(num_classes=10).double()
    m64.load_state_dict({k: v.double() if v.is_floating_point() else v for k, v in sd.items()})
    m64.train()
    ref = m64(x.double())
    rel = ((ref - train_logits.double()).abs().max() / ref.abs().max()).item()
    assert rel < 1e-4, f'ill-conditioned golden values: float32 vs float64 differ by {rel}'
    # conv1's gradient passes 17 ReLUs, whose masks a float32 pre-activation within rounding of zero can flip
    # (batch norm over 8 values a channel in layer4 leaves some within 1e-5 of it), so it is recorded, and checked,
    # in float64.
    torch.nn.functional.cross_entropy(ref, target).backward()
    out = {
        'entries': entries,
        'parameterCount': sum(p.numel() for p in model.parameters()),
        'parameterTensors': len(list(model.parameters())),
        'repr': repr(torchvision.models.resnet18(num_classes=10)),
        'input': {'shape': [2, 3, 64, 64], 'formula': 'hash_uniform(i, 1000)'},
        'target': target.tolist(),
        'evalLogits': eval_logits.flatten().tolist(),
        'trainLogits': train_logits.detach().flatten().tolist(),
        'loss': loss.item(),
        'fcWeightGrad': model.fc.weight.grad.flatten().tolist(),
        'conv1WeightGradSample64': m64.conv1.weight.grad.flatten()[:512].tolist(),
        'conv1WeightGradNorm64': m64.conv1.weight.grad.norm().item(),
        'bn1RunningMean': model.bn1.running_mean.tolist(),
        'bn1RunningVar': model.bn1.running_var.tolist(),
        'layer4BnRunningVar': model.layer4[1].bn2.running_var.tolist(),
        'numBatchesTracked': int(model.bn1.num_batches_tracked.item()),
    }
    with open(OUT, 'w') as f:
        json.dump(out, f)
    print(f'wrote {OUT}: {len(entries)} entries, {out["parameterCount"]} parameters')


if __name__ == '__main__':
    main()
