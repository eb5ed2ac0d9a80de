"""Checkpoints written by PyTorch 1.13's own torch.save, for torch.load's reader of PyTorch's zip format.

Writes packages/core/test/fixtures/pytorch/*.pt|.pth and expected.json (each file's tensors: dtype, shape, values),
read by packages/core/test/pytorch-checkpoint.test.ts.
"""
import collections
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'test', 'fixtures', 'pytorch')
DTYPES = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64', torch.int32: 'int32', torch.bool: 'bool'}


class Custom:
    """Saved inside a checkpoint: its unpickling would run code, so Kindling must refuse it by name."""


def describe(sd, prefix=''):
    out = {}
    for k, v in sd.items():
        key = f'{prefix}{k}'
        if isinstance(v, torch.Tensor):
            out[key] = {'dtype': DTYPES[v.dtype], 'shape': list(v.shape),
                        'values': v.flatten().tolist() if v.dtype != torch.bool else [int(b) for b in v.flatten().tolist()]}
        elif isinstance(v, dict):
            out.update(describe(v, key + '.'))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.Flatten(), torch.nn.Linear(8, 3))
    model(torch.randn(4, 1, 4, 4))  # running statistics move, num_batches_tracked is 1
    expected = {}
    files = {
        'model.pt': model.state_dict(),
    }
    base = torch.arange(12, dtype=torch.float64).reshape(3, 4)
    files['mixed.pth'] = {
        'model': collections.OrderedDict([('w', torch.randn(2, 3)), ('b', torch.zeros(3))]),
        'epoch': 7,
        'float64': base,
        'transposed': base.t(),           # a non-contiguous view: strides (1, 4)
        'row': base[1],                   # a view at an offset into the same storage
        'int32': torch.tensor([[1, -2], [3, 4]], dtype=torch.int32),
        'mask': torch.tensor([True, False, True]),
        'scalar': torch.tensor(2.5),
        'empty': torch.zeros(0, 3),
        'big_int': torch.tensor([2**40, -5]),
    }
    for name, obj in files.items():
        torch.save(obj, os.path.join(OUT, name))
        expected[name] = describe(obj)
    torch.save({'w': torch.ones(2), 'extra': Custom()}, os.path.join(OUT, 'custom-class.pt'))
    torch.save({'w': torch.ones(2)}, os.path.join(OUT, 'legacy.pt'), _use_new_zipfile_serialization=False)
    torch.save({'h': torch.ones(2, dtype=torch.float16)}, os.path.join(OUT, 'half.pt'))
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
    print(f'wrote {len(files)} checkpoints and their expected tensors to {OUT}')


if __name__ == '__main__':
    main()
