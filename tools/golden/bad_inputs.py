"""PyTorch 1.13's outcome for a matrix of bad inputs: every method and factory below (those Kindling has) called
with each junk value, alone and after a valid first argument (0, or a size of 2). packages/core/test/bad-inputs.test.ts runs the same
matrix in Kindling.

    /usr/bin/python3 tools/golden/bad_inputs.py   # writes packages/core/test/fixtures/bad_inputs.json

Each case records "ok" or the Python exception class. JavaScript's junk maps to Python as: undefined and null ->
None, 'a', {} (a dict), [1, 2], NaN, Infinity, -1, 2.5, 1e10, true -> True, a function -> a lambda.
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'test', 'fixtures', 'bad_inputs.json')

JUNK = {
    'undefined': None, 'null': None, 'string': 'a', 'object': {}, 'array': [1, 2], 'NaN': math.nan, 'Infinity': math.inf,
    '-1': -1, '2.5': 2.5, '1e10': 10 ** 10, 'bool': True, 'fn': (lambda: 1),
}
# Kindling's name -> PyTorch's
METHODS = {
    'sum': 'sum', 'mean': 'mean', 'max': 'max', 'min': 'min', 'argmax': 'argmax', 'softmax': 'softmax', 'logSoftmax': 'log_softmax',
    'cumsum': 'cumsum', 'unsqueeze': 'unsqueeze', 'squeeze': 'squeeze', 'transpose': 'transpose', 'flatten': 'flatten', 'view': 'view',
    'reshape': 'reshape', 'expand': 'expand', 'repeat': 'repeat', 'permute': 'permute', 'narrow': 'narrow', 'select': 'select',
    'split': 'split', 'chunk': 'chunk', 'add': 'add', 'sub': 'sub', 'mul': 'mul', 'div': 'div', 'pow': 'pow', 'matmul': 'matmul',
    'mm': 'mm', 'gather': 'gather', 'indexSelect': 'index_select', 'clamp': 'clamp', 'topk': 'topk', 'sort': 'sort', 'var': 'var',
    'std': 'std', 'prod': 'prod', 'all': 'all', 'any': 'any', 'eq': 'eq', 'lt': 'lt', 'maximum': 'maximum', 'maskedFill': 'masked_fill',
    'fill_': 'fill_', 'add_': 'add_', 'mul_': 'mul_', 'copy_': 'copy_', 'flip': 'flip', 'amax': 'amax', 'logsumexp': 'logsumexp',
    'unbind': 'unbind',
}
FACTORIES = {'zeros': 'zeros', 'ones': 'ones', 'randn': 'randn', 'rand': 'rand', 'full': 'full', 'arange': 'arange', 'linspace': 'linspace',
             'eye': 'eye', 'randperm': 'randperm', 'tensor': 'tensor', 'stack': 'stack', 'cat': 'cat'}


def outcome(fn):
    try:
        fn()
        return 'ok'
    except Exception as e:  # noqa: BLE001 - every outcome is recorded
        return type(e).__name__


def main():
    cases = {}
    for js, py in METHODS.items():
        for name, junk in JUNK.items():
            cases[f'x.{js}({name})'] = outcome(lambda: getattr(torch.randn(2, 3), py)(junk))
            cases[f'x.{js}(0, {name})'] = outcome(lambda: getattr(torch.randn(2, 3), py)(0, junk))
    for js, py in FACTORIES.items():
        for name, junk in JUNK.items():
            cases[f'{js}({name})'] = outcome(lambda: getattr(torch, py)(junk))
            cases[f'{js}(2, {name})'] = outcome(lambda: getattr(torch, py)(2, junk))
    with open(OUT, 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': cases}, f, indent=0, sort_keys=True)
    print('wrote', len(cases), 'cases to', OUT)


if __name__ == '__main__':
    main()
