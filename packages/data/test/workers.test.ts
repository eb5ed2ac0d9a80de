import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { DataLoader, getWorkerInfo } from '@kindling/data';
import { IndexDataset } from './fixtures/worker-datasets.js';

const MODULE = new URL('./fixtures/worker-datasets.ts', import.meta.url);

async function collect<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

type Batch = [torch.Tensor, torch.Tensor];
const values = (batches: Batch[]): number[][][] =>
  batches.map(([x, y]) => [Array.from(x.toArray()), Array.from(y.toArray())]);

describe('DataLoader on worker threads', () => {
  it('gives the same batches, in the same order, as loading in the main thread', async () => {
    const options = { exportName: 'IndexDataset', args: [23], batchSize: 4, shuffle: true, numWorkers: 2 };
    torch.manualSeed(11);
    const threaded = await DataLoader.fromModule<[torch.Tensor, number]>(MODULE, options);
    const inWorkers = values((await collect(threaded)) as Batch[]);
    torch.manualSeed(11);
    const local = values([...new DataLoader(new IndexDataset(23), { batchSize: 4, shuffle: true })]);
    expect(inWorkers).toEqual(local);
    expect(inWorkers.length).toBe(6);
    expect(threaded.length).toBe(6);
  });

  it('hands batch k to worker k % numWorkers and seeds each worker with base seed + id', async () => {
    const loader = new DataLoader(
      { length: 6, get: (i: number) => i },
      {
        batchSize: 2,
        numWorkers: 2,
        worker: { module: MODULE, exportName: 'workerIdDataset', args: [6] },
      },
    );
    const batches = (await collect(loader)) as unknown as {
      index: torch.Tensor;
      worker: torch.Tensor;
      seed: torch.Tensor;
    }[];
    expect(batches.map((b) => Array.from(b.index.toArray()))).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(batches.map((b) => b.worker.toArray()[0])).toEqual([0, 1, 0]);
    const seeds = batches.map((b) => b.seed.toArray()[0]);
    expect(seeds[1]).toBe(seeds[0] + 1);
    expect(getWorkerInfo()).toBeNull();
  });

  it('seeds each worker and sets getWorkerInfo() before the dataset is built', async () => {
    const run = async (): Promise<number[][]> => {
      const loader = new DataLoader(
        { length: 4, get: () => 0 },
        {
          batchSize: 1,
          numWorkers: 2,
          worker: { module: MODULE, exportName: 'BuiltInWorker' },
        },
      );
      const batches = (await collect(loader)) as unknown as { builtBy: torch.Tensor; draw: torch.Tensor }[];
      return batches.map((b) => [b.builtBy.item(), b.draw.item()]);
    };
    torch.manualSeed(21);
    const a = await run();
    expect(a.map(([w]) => w)).toEqual([0, 1, 0, 1]);
    expect(a[0][1]).not.toBe(a[1][1]);
    torch.manualSeed(21);
    expect(await run()).toEqual(a);
  });

  it('random transforms in workers are reproducible from torch.manualSeed and differ between epochs', async () => {
    const make = (): Promise<DataLoader<[torch.Tensor, number]>> =>
      DataLoader.fromModule<[torch.Tensor, number]>(MODULE, {
        exportName: 'IndexDataset',
        args: [8, true],
        batchSize: 2,
        numWorkers: 2,
        persistentWorkers: true,
      });
    torch.manualSeed(5);
    const a = await make();
    const a1 = values((await collect(a)) as Batch[]);
    const a2 = values((await collect(a)) as Batch[]);
    await a.close();
    torch.manualSeed(5);
    const b = await make();
    const b1 = values((await collect(b)) as Batch[]);
    await b.close();
    expect(b1).toEqual(a1);
    expect(a2).not.toEqual(a1);
    expect(a1.map((batch) => batch[1])).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
    ]);
  });

  it('applies a custom collateFn in the main thread', async () => {
    const loader = await DataLoader.fromModule<[torch.Tensor, number], number[]>(MODULE, {
      exportName: 'IndexDataset',
      args: [5],
      batchSize: 2,
      numWorkers: 2,
      collateFn: (samples) => samples.map(([x, i]) => x.sum().item() + i),
    });
    expect(await collect(loader)).toEqual([[0, 4], [8, 12], [16]]);
  });

  it("re-raises a worker's error in the loop, with its class and the worker named", async () => {
    const loader = await DataLoader.fromModule(MODULE, {
      exportName: 'FailingDataset',
      args: [6, 3],
      batchSize: 2,
      numWorkers: 2,
    });
    const err = await collect(loader).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(torch.ValueError);
    expect(err?.message).toContain('Caught ValueError in DataLoader worker 1.');
    expect(err?.message).toContain('bad sample 3');
  });

  it('reports a dataset that cannot be built in a worker', async () => {
    const loader = new DataLoader(
      { length: 1, get: () => 0 },
      { numWorkers: 1, worker: { module: MODULE, exportName: 'BrokenDataset' } },
    );
    await expect(collect(loader)).rejects.toThrow('cannot open the data');
    const missing = new DataLoader(
      { length: 1, get: () => 0 },
      { numWorkers: 1, worker: { module: MODULE, exportName: 'Nope' } },
    );
    await expect(collect(missing)).rejects.toThrow("has no export 'Nope'");
    expect(
      () => new DataLoader({ length: 1, get: () => 0 }, { numWorkers: 1, worker: { module: 'relative/path.ts' } }),
    ).not.toThrow();
    await expect(
      collect(new DataLoader({ length: 1, get: () => 0 }, { numWorkers: 1, worker: { module: 'relative/path.ts' } })),
    ).rejects.toThrow('worker module must be a URL or an absolute path');
  });

  it('stops early without hanging when the loop breaks', async () => {
    const loader = await DataLoader.fromModule(MODULE, {
      exportName: 'IndexDataset',
      args: [100],
      batchSize: 2,
      numWorkers: 2,
    });
    let n = 0;
    for await (const _ of loader) {
      void _;
      if (++n === 3) break;
    }
    expect(n).toBe(3);
  });

  it('gives each iterator workers of its own: a loop inside a loop over the same loader both get every batch', async () => {
    const loader = await DataLoader.fromModule<[torch.Tensor, number]>(MODULE, {
      exportName: 'IndexDataset',
      args: [12],
      batchSize: 2,
      numWorkers: 2,
    });
    const outer: number[][] = [];
    const inner: number[][] = [];
    for await (const [, y] of loader) {
      outer.push(Array.from(y.toArray()));
      for await (const [, z] of loader) {
        inner.push(Array.from(z.toArray()));
        break; // the inner loop stops early; the outer one must go on
      }
    }
    expect(outer).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
      [8, 9],
      [10, 11],
    ]);
    expect(inner).toEqual(Array.from({ length: 6 }, () => [0, 1]));
  });

  it('persistent workers serve one iterator at a time; a second one at the same time gets its own', async () => {
    const loader = await DataLoader.fromModule<[torch.Tensor, number]>(MODULE, {
      exportName: 'IndexDataset',
      args: [6],
      batchSize: 3,
      numWorkers: 1,
      persistentWorkers: true,
    });
    const seen: number[][] = [];
    for await (const [, y] of loader) for await (const [, z] of loader) seen.push([...y.toArray(), ...z.toArray()]);
    expect(seen).toEqual([
      [0, 1, 2, 0, 1, 2],
      [0, 1, 2, 3, 4, 5],
      [3, 4, 5, 0, 1, 2],
      [3, 4, 5, 3, 4, 5],
    ]);
    expect((await collect(loader)).length).toBe(2);
    await loader.close();
  });

  it("raises PyTorch's error when a worker takes longer than timeout, instead of waiting forever", async () => {
    const loader = await DataLoader.fromModule<[torch.Tensor, number]>(MODULE, {
      exportName: 'SlowDataset',
      args: [8, 5, 5000],
      batchSize: 2,
      numWorkers: 2,
      timeout: 0.3,
    });
    const got: number[] = [];
    const start = performance.now();
    await expect(async () => {
      for await (const [, y] of loader) got.push(...y.toArray());
    }).rejects.toThrow('DataLoader timed out after 0.3 seconds');
    expect(got).toEqual([0, 1, 2, 3]);
    expect(performance.now() - start).toBeLessThan(4000);
  });

  it('lets the process exit after a script takes one batch and ends (no loop left waiting)', () => {
    const script = fileURLToPath(new URL('./fixtures/worker-one-batch-script.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      timeout: 30_000,
    });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('[0,1,2,3]');
  });

  it('starts workers when the process has V8 options (dropped from the workers, which share them)', () => {
    const script = fileURLToPath(new URL('./fixtures/worker-flags-script.ts', import.meta.url));
    const run = spawnSync(
      process.execPath,
      ['--max-old-space-size=1024', '--conditions=source', '--import', 'tsx', script],
      {
        encoding: 'utf8',
        cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('[2,2]');
  });
});
