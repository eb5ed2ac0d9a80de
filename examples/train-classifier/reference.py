#!/usr/bin/env python3
"""Train a CNN on Fashion-MNIST: the PyTorch program that train-classifier (main.ts, train.ts, model.ts) ports.

    /usr/bin/python3 examples/train-classifier/reference.py                # the committed 2,000 + 1,000 sample
    /usr/bin/python3 examples/train-classifier/reference.py --full         # all 60,000 + 10,000 images

Options: --full, --data DIR, --epochs N (3), --batch-size N (128), --lr X (0.003), --seed N (0), --out DIR (runs),
--threads N (PyTorch's default). Same model, data pipeline, optimizer, schedule and evaluation as the Kindling
example, and the same output lines; the checkpoint is PyTorch's own `torch.save(model.state_dict(), ...)`.
"""
import argparse
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, Subset
from torchvision import transforms

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "..", "packages", "data", "fixtures", "fashion-mnist-sample")
SYSTEM = "/usr/share/datasets/fashion-mnist"
MEAN, STD = 0.286, 0.353


def read_idx(path):
    """An IDX file (raw or .gz) as a uint8 array: magic 0x00000801 (labels) or 0x00000803 (images), big-endian sizes."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit(f"error: {path} is not an IDX file of unsigned bytes")
    shape = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).copy()  # writable, as ToTensor wants
    if body.size != int(np.prod(shape)):
        raise SystemExit(f"error: {path} holds {body.size} values, its header says {shape}")
    return body.reshape(shape)


def find(root, name):
    for candidate in (os.path.join(root, name), os.path.join(root, name + ".gz")):
        if os.path.exists(candidate):
            return candidate
    raise SystemExit(f"error: no {name} or {name}.gz in {root}")


class FashionMNIST(Dataset):
    """torchvision.datasets.FashionMNIST over IDX files found directly in `root` (Debian's layout)."""

    def __init__(self, root, train, transform=None):
        prefix = "train" if train else "t10k"
        self.data = read_idx(find(root, f"{prefix}-images-idx3-ubyte"))
        self.targets = torch.from_numpy(read_idx(find(root, f"{prefix}-labels-idx1-ubyte")).astype(np.int64))
        self.transform = transform

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        image = self.data[i]  # 28x28 uint8, as the PIL image torchvision returns
        if self.transform is not None:
            image = self.transform(image)
        return image, int(self.targets[i])


def load_fashion_mnist(data_dir, full):
    if data_dir:
        root, what = data_dir, "the directory given with --data"
    elif full:
        if not os.path.isdir(SYSTEM):
            raise SystemExit(f"error: --full needs the full Fashion-MNIST in {SYSTEM}: apt-get install -y dataset-fashion-mnist, or pass --data DIR")
        root, what = SYSTEM, "the full Fashion-MNIST (Debian's dataset-fashion-mnist)"
    else:
        root, what = os.path.normpath(SAMPLE), "the real Fashion-MNIST sample committed with @kindling/data (--full or --data DIR for the full set)"
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize([MEAN], [STD])])
    train = FashionMNIST(root, train=True, transform=transform)
    test = FashionMNIST(root, train=False, transform=transform)
    return train, test, f"{what}: {root} ({len(train)} train, {len(test)} test images)"


class FashionCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


class ProgressBar:
    """One line with live loss and images/second (plain lines every 5 s when not on a terminal)."""

    def __init__(self, label, total):
        self.label, self.total, self.start, self.last_print = label, total, time.perf_counter(), 0.0
        self.tty = sys.stdout.isatty()

    def update(self, done, images, loss):
        now = time.perf_counter()
        last = done == self.total
        if not last and now - self.last_print < (0.1 if self.tty else 5.0):
            return
        self.last_print = now
        filled = round(done / self.total * 24)
        line = f"{self.label} [{'#' * filled}{'.' * (24 - filled)}] {done}/{self.total}  loss {loss:.4f}  {images / (now - self.start):.0f} img/s"
        print(f"\r{line}", end="\n" if last else "", flush=True) if self.tty else print(line, flush=True)

    def elapsed(self):
        return time.perf_counter() - self.start


def evaluate(model, loader, criterion):
    """Accuracy and mean loss over a loader, under no_grad with the model in eval mode."""
    model.eval()
    correct = total = 0
    loss_sum = 0.0
    with torch.no_grad():
        for images, labels in loader:
            logits = model(images)
            loss_sum += criterion(logits, labels).item() * labels.shape[0]
            correct += (logits.argmax(1) == labels).sum().item()
            total += labels.shape[0]
    return correct / total, loss_sum / total


def main():
    parser = argparse.ArgumentParser(description="Train FashionCNN on Fashion-MNIST (the PyTorch reference of train-classifier)")
    parser.add_argument("--data", help="directory with the IDX files")
    parser.add_argument("--full", action="store_true", help=f"the full data set in {SYSTEM}")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.003)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="runs")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads(N) (default: PyTorch's own choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "fashion-cnn.pt")

    torch.manual_seed(args.seed)
    train_set, test_set, description = load_fashion_mnist(args.data, args.full)
    print(f"data: {description}")
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=500)

    model = FashionCNN()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = len(train_loader)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, args.lr, total_steps=args.epochs * steps_per_epoch)

    best = -1.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        bar = ProgressBar(f"epoch {epoch}/{args.epochs}", steps_per_epoch)
        seen, loss_sum = 0, 0.0
        for step, (images, labels) in enumerate(train_loader, start=1):
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            scheduler.step()
            seen += labels.shape[0]
            loss_sum += loss.item() * labels.shape[0]
            bar.update(step, seen, loss_sum / seen)
        seconds = bar.elapsed()
        accuracy, test_loss = evaluate(model, test_loader, criterion)
        print(
            f"epoch {epoch}: train loss {loss_sum / seen:.4f}, test loss {test_loss:.4f}, test accuracy {accuracy * 100:.2f}%, "
            f"{seconds:.1f} s ({seen / seconds:.0f} img/s)"
        )
        if accuracy > best:
            best = accuracy
            torch.save(model.state_dict(), checkpoint)
            print(f"saved the best checkpoint so far to {checkpoint}")
    print(f"best test accuracy {best * 100:.2f}%; checkpoint {checkpoint}")


if __name__ == "__main__":
    main()
