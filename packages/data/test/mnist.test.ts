import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { DataLoader, encodeIdx, parseIdx, transforms } from '@kindling/data';
import {
  FashionMNIST,
  MNIST,
  SYSTEM_FASHION_MNIST,
  fashionMnistRoot,
  fashionMnistSampleRoot,
} from '@kindling/data/node';
import golden from './fixtures/data.json';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-mnist-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fashion = golden.fashion;
const hasSystem = fashionMnistRoot().source === 'system';

/** Writes a tiny MNIST-format split (n images of h × w, labels i % 10) into a fresh directory. */
function writeSplit(
  dir: string,
  n: number,
  options: { gzip?: boolean; labels?: number[]; prefix?: string; h?: number; w?: number } = {},
): void {
  mkdirSync(dir, { recursive: true });
  const { h = 4, w = 3, prefix = 'train' } = options;
  const pixels = Uint8Array.from({ length: n * h * w }, (_, i) => (i * 7) % 256);
  const labels = Uint8Array.from(options.labels ?? Array.from({ length: n }, (_, i) => i % 10));
  const write = (name: string, bytes: Uint8Array): void =>
    writeFileSync(join(dir, options.gzip ? `${name}.gz` : name), options.gzip ? gzipSync(bytes) : bytes);
  write(`${prefix}-images-idx3-ubyte`, encodeIdx(pixels, [n, h, w]));
  write(`${prefix}-labels-idx1-ubyte`, encodeIdx(labels, [labels.length]));
}

describe('IDX files', () => {
  it('round-trip every IDX element type, big-endian', () => {
    const cases: [Parameters<typeof encodeIdx>[0], string][] = [
      [Uint8Array.from([0, 1, 255]), 'uint8'],
      [Int8Array.from([-128, 0, 127]), 'int8'],
      [Int16Array.from([-300, 2, 30000]), 'int16'],
      [Int32Array.from([-70000, 5, 2 ** 30]), 'int32'],
      [Float32Array.from([0.5, -1.25, 3e8]), 'float32'],
      [Float64Array.from([Math.PI, -0, 1e300]), 'float64'],
    ];
    for (const [data, type] of cases) {
      const bytes = encodeIdx(data, [3, 1], type as 'uint8');
      const back = parseIdx(bytes);
      expect(back.type).toBe(type);
      expect(back.shape).toEqual([3, 1]);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
    const header = encodeIdx(Int16Array.from([1]), [1], 'int16');
    expect(Array.from(header.subarray(0, 8))).toEqual([0, 0, 0x0b, 1, 0, 0, 0, 1]);
    expect(Array.from(header.subarray(8))).toEqual([0, 1]);
  });

  it('reject wrong magic numbers, truncated files and trailing bytes', () => {
    const good = encodeIdx(Uint8Array.from([1, 2, 3, 4]), [2, 2]);
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0]), 'x.idx')).toThrow(
      'x.idx: wrong magic number 0x01000801',
    );
    expect(() => parseIdx(Uint8Array.from([0, 0, 7, 1, 0, 0, 0, 0]), 'x.idx')).toThrow('wrong magic number 0x00000701');
    expect(() => parseIdx(good.subarray(0, 2), 'x.idx')).toThrow('x.idx: truncated IDX file (2 bytes');
    expect(() => parseIdx(good.subarray(0, 10), 'x.idx')).toThrow('the header of 2 dimensions needs 12');
    expect(() => parseIdx(good.subarray(0, good.length - 1), 'x.idx')).toThrow(
      'x.idx: truncated IDX file: the header promises 2x2 uint8 values (4 bytes) but only 3 bytes follow',
    );
    const longer = new Uint8Array(good.length + 2);
    longer.set(good);
    expect(() => parseIdx(longer, 'x.idx')).toThrow(
      'x.idx: malformed IDX file: 2 unexpected bytes after the 2x2 uint8 values',
    );
  });
});

describe('MNIST reader', () => {
  it('stops decompressing a gzipped file at the size its IDX header announces (a small file cannot inflate without bound)', () => {
    const dir = join(tmp, 'bomb');
    writeSplit(dir, 10);
    // A header announcing 2 labels, followed by 64 MiB of zeros: 65 KB of gzip.
    const body = new Uint8Array(8 + (64 << 20));
    body.set([0, 0, 8, 1, 0, 0, 0, 2]);
    const bomb = gzipSync(body);
    expect(bomb.length).toBeLessThan(100_000);
    rmSync(join(dir, 'train-labels-idx1-ubyte'));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), bomb);
    expect(() => new MNIST({ root: dir })).toThrow('the gzip data decompresses past the 10 bytes its header announces');
  });

  it('reads raw and gzipped files, in the plain and the torchvision layouts', () => {
    writeSplit(join(tmp, 'plain'), 12);
    writeSplit(join(tmp, 'tv', 'MNIST', 'raw'), 12, { gzip: true });
    writeSplit(join(tmp, 'tv', 'MNIST', 'raw'), 5, { gzip: true, prefix: 't10k' });
    for (const root of [join(tmp, 'plain'), join(tmp, 'tv')]) {
      const ds = new MNIST({ root });
      expect(ds.length).toBe(12);
      const [img, label] = ds.get(11);
      expect(label).toBe(1);
      expect([img.height, img.width, img.channels]).toEqual([4, 3, 1]);
      expect(Array.from(img.data)).toEqual(Array.from({ length: 12 }, (_, k) => ((11 * 12 + k) * 7) % 256));
      expect(ds.data.shape).toEqual([12, 4, 3]);
      expect(ds.data.dtype).toBe('int32');
      expect(ds.targets.dtype).toBe('int64');
      expect(Array.from(ds.targets.toArray())).toEqual(Array.from({ length: 12 }, (_, i) => i % 10));
    }
    expect(new MNIST({ root: join(tmp, 'tv'), train: false }).length).toBe(5);
    expect(() => new MNIST({ root: join(tmp, 'tv') }).get(12)).toThrow(
      'index 12 is out of bounds for dimension 0 with size 12',
    );
  });

  it('applies transform and targetTransform', () => {
    const ds = new MNIST({
      root: join(tmp, 'plain'),
      transform: new transforms.ToTensor(),
      targetTransform: (y: number) => y * 2,
    });
    const [x, y] = ds.get(3);
    expect(x.shape).toEqual([1, 4, 3]);
    expect(x.dtype).toBe('float32');
    expect(y).toBe(6);
  });

  it('names the missing file, the places searched and how to get the data', () => {
    const err = (() => {
      try {
        new FashionMNIST({ root: join(tmp, 'nowhere') });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(err).toContain(
      `train-images-idx3-ubyte(.gz) not found in ${join(tmp, 'nowhere')} or ${join(tmp, 'nowhere', 'FashionMNIST', 'raw')}`,
    );
    expect(err).toContain('apt-get install dataset-fashion-mnist');
    expect(err).toContain('--data DIR');
    expect(() => new MNIST({ root: join(tmp, 'nowhere') })).toThrow('--data DIR');
  });

  it('rejects swapped files, mismatched counts, labels out of range and truncated gzip data', () => {
    const swapped = join(tmp, 'swapped');
    writeSplit(swapped, 3);
    const images = readFileSync(join(swapped, 'train-images-idx3-ubyte'));
    writeFileSync(join(swapped, 'train-images-idx3-ubyte'), readFileSync(join(swapped, 'train-labels-idx1-ubyte')));
    expect(() => new MNIST({ root: swapped })).toThrow(
      'wrong magic number 0x00000801 for an image file (expected 0x00000803',
    );
    writeFileSync(join(swapped, 'train-images-idx3-ubyte'), images);
    writeFileSync(join(swapped, 'train-labels-idx1-ubyte'), images);
    expect(() => new MNIST({ root: swapped })).toThrow(
      'wrong magic number 0x00000803 for a label file (expected 0x00000801',
    );

    writeSplit(join(tmp, 'counts'), 3, { labels: [1, 2] });
    expect(() => new MNIST({ root: join(tmp, 'counts') })).toThrow('has 3 images but');
    writeSplit(join(tmp, 'range'), 3, { labels: [1, 10, 2] });
    expect(() => new MNIST({ root: join(tmp, 'range') })).toThrow('label 10 at index 1 is out of range [0, 9]');

    const cut = join(tmp, 'cut');
    writeSplit(cut, 50, { gzip: true });
    const gz = readFileSync(join(cut, 'train-images-idx3-ubyte.gz'));
    writeFileSync(join(cut, 'train-images-idx3-ubyte.gz'), gz.subarray(0, gz.length - 20));
    expect(() => new MNIST({ root: cut })).toThrow('truncated or corrupt gzip data');
    const raw = join(tmp, 'rawcut');
    writeSplit(raw, 5);
    const bytes = readFileSync(join(raw, 'train-images-idx3-ubyte'));
    writeFileSync(join(raw, 'train-images-idx3-ubyte'), bytes.subarray(0, bytes.length - 5));
    expect(() => new MNIST({ root: raw })).toThrow(
      'truncated IDX file: the header promises 5x4x3 uint8 values (60 bytes) but only 55 bytes follow',
    );
  });
});

describe('Fashion-MNIST files', () => {
  it('the committed sample holds the first images and labels of the real dataset', () => {
    const root = fashionMnistSampleRoot();
    const train = new FashionMNIST({ root });
    const test = new FashionMNIST({ root, train: false });
    expect([train.length, test.length]).toEqual([2000, 1000]);
    expect(Array.from(train.labels.subarray(0, 20))).toEqual(fashion.train.firstLabels);
    expect(Array.from(test.labels.subarray(0, 20))).toEqual(fashion.t10k.firstLabels);
    expect(Array.from(train.get(0)[0].data)).toEqual(fashion.train.firstImage);
    expect(Array.from(test.get(0)[0].data)).toEqual(fashion.t10k.firstImage);
    const counts = (ds: FashionMNIST) => Array.from({ length: 10 }, (_, c) => ds.labels.filter((l) => l === c).length);
    expect(counts(train)).toEqual(fashion.train.sampleLabelCounts);
    expect(counts(test)).toEqual(fashion.t10k.sampleLabelCounts);
    expect(train.images.reduce((a, b) => a + b, 0)).toBe(fashion.train.samplePixelSum);
    expect(test.images.reduce((a, b) => a + b, 0)).toBe(fashion.t10k.samplePixelSum);
    expect(train.classes[9]).toBe('Ankle boot');
  });

  it.skipIf(!hasSystem)('reads the real files of the Debian package, checked against values read with Python', () => {
    const { root, source } = fashionMnistRoot();
    expect([root, source]).toEqual([SYSTEM_FASHION_MNIST, 'system']);
    for (const [split, train] of [
      ['train', true],
      ['t10k', false],
    ] as const) {
      const ds = new FashionMNIST({ root, train });
      const expected = fashion[split];
      expect(ds.length).toBe(expected.count);
      expect(Array.from(ds.labels.subarray(0, 20))).toEqual(expected.firstLabels);
      expect(Array.from(ds.get(0)[0].data)).toEqual(expected.firstImage);
      const sums = Array.from({ length: 10 }, (_, i) => ds.get(i)[0].data.reduce((a, b) => a + b, 0));
      expect(sums).toEqual(expected.imageSums);
      expect(Array.from({ length: 10 }, (_, c) => ds.labels.filter((l) => l === c).length)).toEqual(
        expected.labelCounts,
      );
      let total = 0;
      for (const v of ds.images) total += v;
      expect(total).toBe(expected.pixelSum);
    }
  });

  it('feeds a DataLoader: ToTensor images [B, 1, 28, 28] in [0, 1] and int64 labels', () => {
    const ds = new FashionMNIST({ ...fashionMnistRoot(), transform: new transforms.ToTensor() });
    const [x, y] = new DataLoader(ds, { batchSize: 16 })[Symbol.iterator]().next().value as [
      torch.Tensor,
      torch.Tensor,
    ];
    expect(x.shape).toEqual([16, 1, 28, 28]);
    expect(x.dtype).toBe('float32');
    expect(y.dtype).toBe('int64');
    expect(Array.from(y.toArray())).toEqual(fashion.train.firstLabels.slice(0, 16));
    expect(x.select(0, 0).mul(255).round().flatten().tolist()).toEqual(fashion.train.firstImage);
    expect(x.max().item()).toBeLessThanOrEqual(1);
  });
});
