"""nn.init's golden data for packages/nn/test/fixtures/functional.json (written by nn_functional.py): PyTorch's gain
table and fans, the bound or standard deviation each random initialisation must have (by PyTorch's own formulas)
with statistics of PyTorch's own samples, and the errors nn.init raises.
"""
import math
import re

import torch
from torch.nn import init


def snake(name):
    return re.sub(r'([A-Z])', lambda m: '_' + m.group(1).lower(), name)


def init_cases():
    """nn.init: PyTorch's gains, fans, the bound or std each random init must have, and its errors."""
    gains = []
    for nl in ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid', 'tanh', 'relu', 'selu']:
        gains.append({'nonlinearity': nl, 'param': None, 'gain': init.calculate_gain(nl)})
    for param in [None, 0.0, 0.2, math.sqrt(5), -0.5]:
        gains.append({'nonlinearity': 'leaky_relu', 'param': param, 'gain': init.calculate_gain('leaky_relu', param)})
    fans = [{'shape': list(s), 'fans': list(init._calculate_fan_in_and_fan_out(torch.empty(s)))}
            for s in [(5, 3), (64, 32, 3, 3), (8, 4, 5), (16, 2, 3, 3, 3), (0, 4), (7, 1)]]
    spreads = []
    torch.manual_seed(0)
    for fn, shape, kwargs in [
        ('kaimingUniform_', (256, 128, 3, 3), {}),
        ('kaimingUniform_', (256, 128, 3, 3), {'a': math.sqrt(5)}),
        ('kaimingUniform_', (512, 300), {'mode': 'fan_out', 'nonlinearity': 'relu'}),
        ('kaimingNormal_', (256, 128, 3, 3), {'mode': 'fan_out', 'nonlinearity': 'relu'}),
        ('kaimingNormal_', (512, 300), {'a': 0.1}),
        ('xavierUniform_', (512, 300), {}),
        ('xavierUniform_', (64, 32, 5, 5), {'gain': init.calculate_gain('tanh')}),
        ('xavierNormal_', (512, 300), {}),
        ('xavierNormal_', (64, 32, 5, 5), {'gain': 2.0}),
        ('uniform_', (300, 200), {'a': -0.3, 'b': 0.7}),
        ('normal_', (300, 200), {'mean': 0.5, 'std': 2.0}),
        ('truncNormal_', (300, 200), {'mean': 0.0, 'std': 1.0, 'a': -2.0, 'b': 2.0}),
        ('truncNormal_', (300, 200), {'mean': 1.0, 'std': 0.5, 'a': 0.0, 'b': 1.5}),
    ]:
        t = torch.empty(shape)
        getattr(init, snake(fn))(t, **{snake(k): v for k, v in kwargs.items()})
        if fn in ('kaimingUniform_', 'kaimingNormal_'):
            fan = init._calculate_correct_fan(t, kwargs.get('mode', 'fan_in'))
            std = init.calculate_gain(kwargs.get('nonlinearity', 'leaky_relu'), kwargs.get('a', 0)) / math.sqrt(fan)
        elif fn in ('xavierUniform_', 'xavierNormal_'):
            fan_in, fan_out = init._calculate_fan_in_and_fan_out(t)
            std = kwargs.get('gain', 1.0) * math.sqrt(2.0 / float(fan_in + fan_out))
        else:
            std = None
        uniform = fn.endswith('Uniform_')
        spreads.append({'fn': fn, 'shape': list(shape), 'kwargs': kwargs,
                        'bound': math.sqrt(3.0) * std if uniform else None, 'std': std,
                        'sampleMean': t.double().mean().item(), 'sampleStd': t.double().std().item(),
                        'sampleMin': t.min().item(), 'sampleMax': t.max().item()})
    errs = []
    for name, f in [
        ('fan of a 1-D tensor', lambda: init._calculate_fan_in_and_fan_out(torch.empty(3))),
        ('unsupported nonlinearity', lambda: init.calculate_gain('softmax')),
        ('unsupported mode', lambda: init.kaiming_uniform_(torch.empty(3, 4), mode='fan_avg')),
        ('eye_ of a 3-D tensor', lambda: init.eye_(torch.empty(2, 2, 2))),
        ('orthogonal_ of a 1-D tensor', lambda: init.orthogonal_(torch.empty(3))),
        ('kaiming of a 1-D tensor', lambda: init.kaiming_normal_(torch.empty(3))),
    ]:
        try:
            f()
            raise AssertionError(name)
        except ValueError as e:
            errs.append({'name': name, 'error': type(e).__name__, 'message': str(e)})
    return {'gains': gains, 'fans': fans, 'spreads': spreads, 'errors': errs}
