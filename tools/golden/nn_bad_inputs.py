"""PyTorch 1.13's outcome for bad inputs to torch.nn.functional and the optimizers' constructors, the matrix that
packages/nn/test/bad-inputs.test.ts and packages/optim/test/bad-inputs.test.ts run in Kindling: every function
called with each junk value as its input, and with a valid input followed by the junk value.

    /usr/bin/python3 tools/golden/nn_bad_inputs.py   # writes packages/nn/test/fixtures/bad_inputs.json

Each case records "ok" or the Python exception class. Junk maps from JavaScript as in tools/golden/bad_inputs.py.
"""
import json
import os
import warnings

import torch
import torch.nn.functional as F

from bad_inputs import JUNK, outcome

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'bad_inputs.json')
warnings.simplefilter('ignore')

# Kindling's name -> (PyTorch's, the valid first argument: 'x' a [2, 3] float tensor, 'x4' [1, 1, 4, 4], 'i' int64 [0, 1])
FUNCTIONS = {
    'adaptiveAvgPool2d': ('adaptive_avg_pool2d', 'x4'), 'adaptiveMaxPool2d': ('adaptive_max_pool2d', 'x4'), 'avgPool2d': ('avg_pool2d', 'x4'),
    'batchNorm': ('batch_norm', 'x4'), 'binaryCrossEntropy': ('binary_cross_entropy', 'x'),
    'binaryCrossEntropyWithLogits': ('binary_cross_entropy_with_logits', 'x'), 'conv2d': ('conv2d', 'x4'), 'crossEntropy': ('cross_entropy', 'x'),
    'dropout': ('dropout', 'x'), 'elu': ('elu', 'x'), 'embedding': ('embedding', 'i'), 'gelu': ('gelu', 'x'), 'huberLoss': ('huber_loss', 'x'),
    'l1Loss': ('l1_loss', 'x'), 'layerNorm': ('layer_norm', 'x'), 'leakyRelu': ('leaky_relu', 'x'), 'linear': ('linear', 'x'),
    'logSoftmax': ('log_softmax', 'x'), 'maxPool2d': ('max_pool2d', 'x4'), 'mseLoss': ('mse_loss', 'x'), 'nllLoss': ('nll_loss', 'x'),
    'oneHot': ('one_hot', 'i'), 'pad': ('pad', 'x'), 'relu': ('relu', 'x'), 'selu': ('selu', 'x'), 'sigmoid': ('sigmoid', 'x'),
    'silu': ('silu', 'x'), 'smoothL1Loss': ('smooth_l1_loss', 'x'), 'softmax': ('softmax', 'x'), 'softplus': ('softplus', 'x'),
    'tanh': ('tanh', 'x'),
}
FIRST = {'x': lambda: torch.randn(2, 3), 'x4': lambda: torch.randn(1, 1, 4, 4), 'i': lambda: torch.tensor([0, 1])}
OPTIMIZERS = {'SGD': 'SGD', 'Adam': 'Adam', 'AdamW': 'AdamW', 'RMSprop': 'RMSprop'}


cases = {}
for js, (py, first) in FUNCTIONS.items():
    f = getattr(F, py)
    for name, junk in JUNK.items():
        cases[f'F.{js}({name})'] = outcome(lambda: f(junk))
        cases[f'F.{js}({first}, {name})'] = outcome(lambda: f(FIRST[first](), junk))
for js, py in OPTIMIZERS.items():
    cls = getattr(torch.optim, py)
    for name, junk in JUNK.items():
        cases[f'optim.{js}({name})'] = outcome(lambda: cls(junk))
        cases[f'optim.{js}(params, lr: {name})'] = outcome(lambda: cls([torch.nn.Parameter(torch.randn(2))], lr=junk))
with open(OUT, 'w') as fh:
    json.dump({'torch': torch.__version__, 'cases': cases}, fh, indent=0, sort_keys=True)
print('wrote', len(cases), 'cases to', OUT)
