"""Golden fixtures for @kindling/data, from PyTorch 1.13 and torchvision 0.14:

    python3 tools/golden/data.py   ->  packages/data/test/fixtures/data.json

- collate: default_collate over batches of numbers, bools, strings, tensors, tuples, lists and dicts;
  each output as a nested structure whose tensor leaves are {values, shape, dtype}
- resize: torchvision's tensor Resize (bilinear, antialias=False) on seeded float inputs
- crop: CenterCrop / RandomCrop-style padding (torchvision.transforms.functional.pad / center_crop)
- normalize, toTensor: Normalize over a CHW float tensor; ToTensor over an HWC uint8 array
- splits: random_split lengths for fraction lists
- loaderLengths: len(DataLoader) for dataset sizes, batch sizes and drop_last
- fashion: the first labels and pixels of the Fashion-MNIST files (read here with gzip and struct, independently
  of torchvision) and label counts / pixel sums over whole files
"""
import gzip
import json
import os
import struct

import numpy as np
import torch
import torchvision.transforms as T
import torchvision.transforms.functional as TF
from torch.utils.data import DataLoader, TensorDataset, default_collate, random_split

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'packages', 'data', 'test', 'fixtures', 'data.json')
FASHION = '/usr/share/datasets/fashion-mnist'
DTYPES = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64', torch.int32: 'int32', torch.bool: 'bool'}


def enc(x):
    """A collate output as JSON: tensors as {values, shape, dtype}; lists and dicts recursively."""
    if isinstance(x, torch.Tensor):
        vals = x.flatten().tolist()
        return {'tensor': {'values': vals, 'shape': list(x.shape), 'dtype': DTYPES[x.dtype]}}
    if isinstance(x, dict):
        return {'dict': {k: enc(v) for k, v in x.items()}}
    if isinstance(x, (list, tuple)):
        return {'list': [enc(v) for v in x]}
    return {'value': x}


def collate_cases():
    t = lambda *rows: torch.tensor(rows, dtype=torch.float32)
    cases = [
        ('ints', [1, 2, 3]),
        ('floats', [1.5, 2.25, -0.5]),
        ('bools', [True, False, True]),
        ('strings', ['a', 'bb', 'c']),
        ('float32 vectors', [t(1, 2), t(3, 4)]),
        ('int64 0-d tensors', [torch.tensor(3), torch.tensor(7)]),
        ('tuples (image, label)', [(t(0, 1), 5), (t(2, 3), 6)]),
        ('lists of floats', [[1.5, 2.5], [3.5, 4.5]]),
        ('dicts', [{'x': t(1, 2), 'y': 1, 'name': 'p'}, {'x': t(3, 4), 'y': 0, 'name': 'q'}]),
        ('nested', [{'a': [1, 2.5], 'b': {'c': True}}, {'a': [3, 4.5], 'b': {'c': False}}]),
        ('float64 matrices', [torch.ones(2, 2, dtype=torch.float64), torch.zeros(2, 2, dtype=torch.float64)]),
    ]
    out = []
    for name, batch in cases:
        out.append({'name': name, 'batch': enc(list(batch)), 'out': enc(default_collate(batch))})
    return out


def resize_cases():
    g = torch.Generator().manual_seed(0)
    out = []
    for shape, size, max_size in [
        ([1, 5, 7], [3, 4], None), ([3, 4, 4], [9, 6], None), ([1, 28, 28], [32, 32], None), ([3, 32, 32], [24, 24], None),
        ([2, 6, 10], 4, None), ([1, 10, 6], 3, None), ([1, 12, 20], 8, 10), ([1, 3, 3], [1, 1], None), ([2, 3, 8, 8], [5, 11], None),
    ]:
        x = torch.rand(shape, generator=g)
        y = TF.resize(x, size, max_size=max_size, antialias=False)
        out.append({'input': enc(x)['tensor'], 'size': size, 'maxSize': max_size, 'out': enc(y)['tensor']})
    return out


def crop_cases():
    x = torch.arange(2 * 5 * 6, dtype=torch.float32).reshape(2, 5, 6)
    out = []
    for size in [[3, 4], [5, 6], [4, 3], [7, 8], [6, 6], [2, 5]]:
        out.append({'kind': 'center', 'size': size, 'out': enc(TF.center_crop(x, size))['tensor']})
    for padding, mode, fill in [([2], 'constant', 0), ([1, 2], 'constant', 1.5), ([1, 2, 3, 0], 'edge', 0),
                                ([2, 1], 'reflect', 0), ([3, 2, 1, 2], 'symmetric', 0)]:
        p = padding[0] if len(padding) == 1 else padding
        out.append({'kind': 'pad', 'padding': padding, 'mode': mode, 'fill': fill, 'out': enc(TF.pad(x, p, fill, mode))['tensor']})
    return {'input': enc(x)['tensor'], 'cases': out}


def normalize_case():
    g = torch.Generator().manual_seed(1)
    x = torch.rand(3, 4, 5, generator=g)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    return {'input': enc(x)['tensor'], 'mean': mean, 'std': std, 'out': enc(T.Normalize(mean, std)(x))['tensor']}


def to_tensor_case():
    rng = np.random.default_rng(2)
    a = rng.integers(0, 256, size=(4, 5, 3), dtype=np.uint8)
    y = T.ToTensor()(a)
    return {'hwc': a.flatten().tolist(), 'shape': [4, 5, 3], 'out': enc(y)['tensor'], 'all255': T.ToTensor()(np.arange(256, dtype=np.uint8).reshape(16, 16)).flatten().tolist()}


def split_cases():
    out = []
    for n, fracs in [(10, [0.3, 0.3, 0.4]), (11, [0.3, 0.3, 0.4]), (7, [0.1, 0.1, 0.8]), (5, [1]), (100, [0.8, 0.2]), (3, [0.5, 0.5]), (9, [0.25, 0.25, 0.25, 0.25])]:
        out.append({'n': n, 'fractions': fracs, 'lengths': [len(s) for s in random_split(range(n), fracs)]})
    return out


def loader_lengths():
    out = []
    for n in [0, 1, 5, 10, 129]:
        for bs in [1, 3, 128]:
            for drop in [False, True]:
                dl = DataLoader(TensorDataset(torch.zeros(n, 1)), batch_size=bs, drop_last=drop)
                out.append({'n': n, 'batchSize': bs, 'dropLast': drop, 'length': len(dl), 'batches': [len(b[0]) for b in dl]})
    return out


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    nd = data[3]
    dims = struct.unpack('>' + 'I' * nd, data[4:4 + 4 * nd])
    return list(dims), np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd)


def fashion():
    if not os.path.exists(os.path.join(FASHION, 'train-images-idx3-ubyte.gz')):
        return None
    out = {}
    for split in ['train', 't10k']:
        dims, images = read_idx(os.path.join(FASHION, f'{split}-images-idx3-ubyte.gz'))
        _, labels = read_idx(os.path.join(FASHION, f'{split}-labels-idx1-ubyte.gz'))
        images = images.reshape(dims)
        out[split] = {
            'count': dims[0],
            'firstLabels': labels[:20].tolist(),
            'firstImage': images[0].flatten().tolist(),
            'imageSums': [int(images[i].sum()) for i in range(10)],
            'labelCounts': np.bincount(labels, minlength=10).tolist(),
            'pixelSum': int(images.sum(dtype=np.int64)),
            'sampleLabelCounts': np.bincount(labels[:2000 if split == 'train' else 1000], minlength=10).tolist(),
            'samplePixelSum': int(images[:2000 if split == 'train' else 1000].sum(dtype=np.int64)),
        }
    return out


def main():
    fixtures = {
        'collate': collate_cases(),
        'resize': resize_cases(),
        'crop': crop_cases(),
        'normalize': normalize_case(),
        'toTensor': to_tensor_case(),
        'splits': split_cases(),
        'loaderLengths': loader_lengths(),
        'fashion': fashion(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(fixtures, f, separators=(',', ':'))
    print(f'wrote {os.path.relpath(OUT)}')


if __name__ == '__main__':
    main()
