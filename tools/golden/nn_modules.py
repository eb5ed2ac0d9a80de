"""Golden module printing and state-dict behaviour from real PyTorch, for packages/nn/test/module.test.ts.

Run: /usr/bin/python3 tools/golden/nn_modules.py
"""
import json
import os

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'modules.json')


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(4 * 8 * 8, 10), nn.ReLU())
        self.register_buffer('scale', torch.ones(1))
        self.register_buffer('cache', torch.zeros(2), persistent=False)


def state_keys(m):
    return [[k, list(v.shape)] for k, v in m.state_dict().items()]


def main():
    reprs = {
        'linear': repr(nn.Linear(3, 2)),
        'linearNoBias': repr(nn.Linear(3, 2, bias=False)),
        'conv': repr(nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)),
        'convSame': repr(nn.Conv2d(3, 8, 3, padding='same', dilation=2, groups=1)),
        'convGroups': repr(nn.Conv2d(4, 8, (3, 5), stride=(1, 2), padding=(1, 2), groups=2)),
        'bn2d': repr(nn.BatchNorm2d(64)),
        'bn1dNoMomentum': repr(nn.BatchNorm1d(10, eps=1e-3, momentum=None, affine=False, track_running_stats=False)),
        'layerNorm': repr(nn.LayerNorm([4, 5], eps=1e-6)),
        'relu': repr(nn.ReLU()),
        'reluInplace': repr(nn.ReLU(inplace=True)),
        'leaky': repr(nn.LeakyReLU(0.2)),
        'gelu': repr(nn.GELU()),
        'softmax': repr(nn.Softmax(dim=1)),
        'logSoftmax': repr(nn.LogSoftmax(dim=-1)),
        'dropout': repr(nn.Dropout(0.25)),
        'maxpool': repr(nn.MaxPool2d(3, stride=2, padding=1)),
        'avgpool': repr(nn.AvgPool2d(2)),
        'adaptive': repr(nn.AdaptiveAvgPool2d((1, 1))),
        'embedding': repr(nn.Embedding(10, 3, padding_idx=0)),
        'flatten': repr(nn.Flatten()),
        'identity': repr(nn.Identity()),
        'sequential': repr(nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)), nn.Sigmoid())),
        'moduleList': repr(nn.ModuleList([nn.Linear(1, 1), nn.Tanh()])),
        'moduleDict': repr(nn.ModuleDict({'a': nn.Linear(1, 2), 'b': nn.ReLU()})),
        'net': repr(Net()),
        'crossEntropy': repr(nn.CrossEntropyLoss()),
        'mse': repr(nn.MSELoss()),
    }
    net = Net()
    wrong = {k: v for k, v in net.state_dict().items() if k != 'bn.running_mean'}
    wrong['head.1.weight'] = torch.zeros(5, 256)
    wrong['extra.weight'] = torch.zeros(1)
    try:
        net.load_state_dict(wrong)
        load_error = None
    except RuntimeError as e:
        load_error = str(e)
    p = nn.Parameter(torch.tensor([1.0, 2.0]))
    out = {
        'reprs': reprs,
        'netStateKeys': state_keys(net),
        'netNamedParameters': [n for n, _ in net.named_parameters()],
        'netNamedModules': [n for n, _ in net.named_modules()],
        'netNamedBuffers': [n for n, _ in net.named_buffers()],
        'loadError': load_error,
        'parameterRepr': repr(p),
        'activationReprs': {
            'SiLU()': repr(nn.SiLU()), 'SiLU(true)': repr(nn.SiLU(True)), 'Mish()': repr(nn.Mish()),
            'ReLU6(true)': repr(nn.ReLU6(True)), 'Hardsigmoid()': repr(nn.Hardsigmoid()),
            'Hardswish()': repr(nn.Hardswish()), 'SELU()': repr(nn.SELU()), 'LogSigmoid()': repr(nn.LogSigmoid()),
            'Tanhshrink()': repr(nn.Tanhshrink()), 'Softsign()': repr(nn.Softsign()), 'Softmin(1)': repr(nn.Softmin(1)),
            'ELU()': repr(nn.ELU()), 'ELU(0.5, true)': repr(nn.ELU(0.5, True)), 'CELU()': repr(nn.CELU()),
            'Softplus()': repr(nn.Softplus()), 'Hardtanh()': repr(nn.Hardtanh()),
            'Hardtanh(-0.5, 2.5, true)': repr(nn.Hardtanh(-0.5, 2.5, True)),
            'Threshold(0.1, 20.5)': repr(nn.Threshold(0.1, 20.5)), 'Hardshrink()': repr(nn.Hardshrink()),
            'Softshrink(0.25)': repr(nn.Softshrink(0.25)), 'GLU()': repr(nn.GLU()), 'GLU(1)': repr(nn.GLU(1)),
            'PReLU()': repr(nn.PReLU()), 'PReLU(3, 0.1)': repr(nn.PReLU(3, 0.1)),
        },
        'preluStateKeys': state_keys(nn.PReLU(3)),
    }
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
    print('wrote', OUT)


if __name__ == '__main__':
    main()
