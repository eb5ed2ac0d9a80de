"""Writes packages/data/fixtures/fashion-mnist-sample/: the first 2,000 training and 1,000 test images and labels
of the real Fashion-MNIST, as gzipped IDX files in the original format, from the Debian package's files.

    apt-get install dataset-fashion-mnist
    python3 tools/make-fashion-mnist-sample.py [SOURCE_DIR]

The gzip headers carry no file name or time, so running it again gives the same bytes.
"""
import gzip
import os
import struct
import sys

SOURCE = sys.argv[1] if len(sys.argv) > 1 else '/usr/share/datasets/fashion-mnist'
HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, '..', 'packages', 'data', 'fixtures', 'fashion-mnist-sample')
COUNTS = {'train': 2000, 't10k': 1000}


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('>I', data[:4])[0]
    nd = magic & 0xFF
    dims = list(struct.unpack('>' + 'I' * nd, data[4:4 + 4 * nd]))
    return magic, dims, data[4 + 4 * nd:]


def write_idx(path, magic, dims, body):
    header = struct.pack('>I', magic) + struct.pack('>' + 'I' * len(dims), *dims)
    with open(path, 'wb') as raw:
        with gzip.GzipFile(filename='', mode='wb', fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(header + body)


def main():
    os.makedirs(TARGET, exist_ok=True)
    for split, count in COUNTS.items():
        for kind in ('images-idx3-ubyte', 'labels-idx1-ubyte'):
            name = f'{split}-{kind}.gz'
            magic, dims, body = read_idx(os.path.join(SOURCE, name))
            item = 1
            for d in dims[1:]:
                item *= d
            write_idx(os.path.join(TARGET, name), magic, [count] + dims[1:], body[:count * item])
            print(f'{name}: {count} of {dims[0]}')


if __name__ == '__main__':
    main()
