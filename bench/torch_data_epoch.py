"""PyTorch's side of bench/data-epoch.ts: one Fashion-MNIST training epoch of loading + collating, num_workers=0.

    python3 bench/torch_data_epoch.py ROOT [EPOCHS]

ROOT holds the gzipped IDX files. Prints one JSON line of timings in ms:
  load            reading and parsing the two training files into tensors (gzip + IDX)
  tensor_epoch    DataLoader(TensorDataset(images / 255, labels), batch_size=128, shuffle=True): median epoch
  vision_epoch    torchvision.datasets.FashionMNIST(transform=ToTensor()) through the same DataLoader: median epoch
  count           images per epoch
"""
import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

torch.set_num_threads(1)
ROOT = sys.argv[1]
EPOCHS = int(sys.argv[2]) if len(sys.argv) > 2 else 3


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    nd = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(nd)]
    return torch.frombuffer(bytearray(data), dtype=torch.uint8, offset=4 + 4 * nd).view(*dims)


def epoch_ms(loader):
    t0 = time.perf_counter()
    n = 0
    for x, y in loader:
        n += x.shape[0]
    return (time.perf_counter() - t0) * 1000, n


def main():
    t0 = time.perf_counter()
    images = read_idx(os.path.join(ROOT, 'train-images-idx3-ubyte.gz'))
    labels = read_idx(os.path.join(ROOT, 'train-labels-idx1-ubyte.gz')).long()
    load = (time.perf_counter() - t0) * 1000
    ds = TensorDataset(images.float().div(255).unsqueeze(1), labels)
    torch.manual_seed(0)
    loader = DataLoader(ds, batch_size=128, shuffle=True, num_workers=0)
    epoch_ms(loader)  # warm-up
    runs = [epoch_ms(loader) for _ in range(EPOCHS)]
    out = {'load': load, 'tensor_epoch': statistics.median(r[0] for r in runs), 'count': runs[0][1]}
    try:
        import torchvision
        from torchvision.transforms import ToTensor
        tmp = tempfile.mkdtemp()
        raw = os.path.join(tmp, 'FashionMNIST', 'raw')
        os.makedirs(raw)
        for name in ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']:
            with gzip.open(os.path.join(ROOT, name + '.gz'), 'rb') as src, open(os.path.join(raw, name), 'wb') as dst:
                shutil.copyfileobj(src, dst)
        vision = torchvision.datasets.FashionMNIST(tmp, train=True, transform=ToTensor())
        vloader = DataLoader(vision, batch_size=128, shuffle=True, num_workers=0)
        out['vision_epoch'] = statistics.median(epoch_ms(vloader)[0] for _ in range(max(1, EPOCHS - 1)))
        shutil.rmtree(tmp)
    except ImportError:
        pass
    print(json.dumps(out))


if __name__ == '__main__':
    main()
