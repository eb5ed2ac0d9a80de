import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { DataLoader, transforms } from '@kindling/data';
import { CIFAR10, CIFAR_RECORD, parseCifarBatch } from '@kindling/data/node';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-cifar-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Pixel (c, y, x) of record i in the synthetic batches. */
const pixel = (i: number, c: number, y: number, x: number): number => (i * 31 + c * 97 + y * 7 + x * 3) % 256;

/** A batch file in the exact binary format: per record a label byte, then 1024 R, 1024 G, 1024 B bytes (row-major). */
function batchBytes(n: number, first: number, label: (i: number) => number = (i) => i % 10): Uint8Array {
  const out = new Uint8Array(n * CIFAR_RECORD);
  for (let r = 0; r < n; r++) {
    const i = first + r;
    const base = r * CIFAR_RECORD;
    out[base] = label(i);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) out[base + 1 + c * 1024 + y * 32 + x] = pixel(i, c, y, x);
  }
  return out;
}

function writeBatches(dir: string, perBatch: number): void {
  mkdirSync(dir, { recursive: true });
  for (let k = 1; k <= 5; k++)
    writeFileSync(join(dir, `data_batch_${k}.bin`), batchBytes(perBatch, (k - 1) * perBatch));
  writeFileSync(
    join(dir, 'test_batch.bin'),
    batchBytes(perBatch, 1000, (i) => 9 - (i % 10)),
  );
}

describe('CIFAR10 reader', () => {
  it('reads the binary batches back: labels, HWC images, and the data/targets fast path', () => {
    const dir = join(tmp, 'small');
    writeBatches(dir, 4);
    const ds = new CIFAR10({ root: dir });
    expect(ds.length).toBe(20);
    expect(ds.targets).toEqual(Array.from({ length: 20 }, (_, i) => i % 10));
    const [img, label] = ds.get(13);
    expect(label).toBe(3);
    expect([img.height, img.width, img.channels]).toEqual([32, 32, 3]);
    // HWC: pixel (y, x) has its three channels together
    expect([img.data[(5 * 32 + 6) * 3], img.data[(5 * 32 + 6) * 3 + 1], img.data[(5 * 32 + 6) * 3 + 2]]).toEqual(
      [0, 1, 2].map((c) => pixel(13, c, 5, 6)),
    );
    expect(ds.data.shape).toEqual([20, 32, 32, 3]);
    expect(ds.data.dtype).toBe('int32');
    expect(ds.data.select(0, 13).select(0, 5).select(0, 6).tolist()).toEqual([0, 1, 2].map((c) => pixel(13, c, 5, 6)));
    const test = new CIFAR10({ root: dir, train: false });
    expect(test.length).toBe(4);
    expect(test.get(0)[1]).toBe(9);
    expect(ds.classes[0]).toBe('airplane');
  });

  it('ToTensor gives the CHW planes of the file; batches collate to [B, 3, 32, 32]', () => {
    const dir = join(tmp, 'small');
    const ds = new CIFAR10({ root: dir, transform: new transforms.ToTensor() });
    const x = ds.get(2)[0];
    expect(x.shape).toEqual([3, 32, 32]);
    expect(x.mul(255).round().select(0, 1).select(0, 31).select(0, 30).item()).toBe(pixel(2, 1, 31, 30));
    const [xb, yb] = new DataLoader(ds, { batchSize: 8 })[Symbol.iterator]().next().value as [
      torch.Tensor,
      torch.Tensor,
    ];
    expect(xb.shape).toEqual([8, 3, 32, 32]);
    expect(Array.from(yb.toArray())).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('accepts a real-size batch of 10,000 images (and the cifar-10-batches-bin folder, batches.meta.txt)', () => {
    const dir = join(tmp, 'full', 'cifar-10-batches-bin');
    mkdirSync(dir, { recursive: true });
    const bytes = batchBytes(10000, 0);
    expect(bytes.length).toBe(30730000);
    writeFileSync(join(dir, 'test_batch.bin'), bytes);
    writeFileSync(join(dir, 'batches.meta.txt'), 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n');
    const ds = new CIFAR10({ root: join(tmp, 'full'), train: false });
    expect(ds.length).toBe(10000);
    expect(ds.get(9999)[1]).toBe(9);
    expect(ds.get(9999)[0].data[3 * (31 * 32 + 31) + 2]).toBe(pixel(9999, 2, 31, 31));
    expect(ds.classes).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
  });

  it('rejects truncated batches and labels out of range, and names missing files', () => {
    expect(() => parseCifarBatch(batchBytes(2, 0).subarray(0, 3073 * 2 - 1), 'b.bin')).toThrow(
      'b.bin: truncated or malformed CIFAR-10 batch: 6145 bytes is not a whole number of 3073-byte records',
    );
    expect(() => parseCifarBatch(new Uint8Array(0), 'b.bin')).toThrow(
      'b.bin: truncated or malformed CIFAR-10 batch: 0 bytes',
    );
    expect(() =>
      parseCifarBatch(
        batchBytes(3, 0, (i) => (i === 2 ? 10 : 0)),
        'b.bin',
      ),
    ).toThrow('b.bin: label 10 of record 2 is out of range [0, 9]');
    const dir = join(tmp, 'partial');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'data_batch_1.bin'), batchBytes(1, 0));
    expect(() => new CIFAR10({ root: dir })).toThrow(
      `CIFAR10: data_batch_2.bin not found in ${dir} or ${join(dir, 'cifar-10-batches-bin')}`,
    );
  });
});
