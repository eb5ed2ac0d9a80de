/** The committed Fashion-MNIST sample, fetched and un-gzipped in the browser, as normalised tensors. */
import * as torch from '@kindling/core';
import { parseIdx } from '@kindling/data';
import { MEAN, STD } from '../shared/fashion-classes.js';

export interface Split {
  images: torch.Tensor;
  labels: torch.Tensor;
}

async function idx(url: string): Promise<ReturnType<typeof parseIdx>> {
  const response = await fetch(url);
  if (!response.ok || response.body === null) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  const gunzipped = response.body.pipeThrough(new DecompressionStream('gzip'));
  return parseIdx(new Uint8Array(await new Response(gunzipped).arrayBuffer()));
}

async function split(base: string, prefix: string): Promise<Split> {
  const [images, labels] = await Promise.all([
    idx(`${base}${prefix}-images-idx3-ubyte.gz`),
    idx(`${base}${prefix}-labels-idx1-ubyte.gz`),
  ]);
  const [n, h, w] = images.shape;
  const pixels = Float32Array.from(images.data as Uint8Array, (v) => (v / 255 - MEAN) / STD);
  return {
    images: torch.tensor(pixels).reshape(n, 1, h, w),
    labels: torch.tensor(Array.from(labels.data as Uint8Array), { dtype: 'int64' }),
  };
}

/** The train and test splits served under `base` (the files of @kindling/data's fixtures/fashion-mnist-sample). */
export async function loadSample(base: string): Promise<{ train: Split; test: Split }> {
  const [train, test] = await Promise.all([split(base, 'train'), split(base, 't10k')]);
  return { train, test };
}
