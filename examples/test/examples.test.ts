/**
 * Smoke runs of the four examples on a few batches of the committed Fashion-MNIST sample: training lowers the
 * loss and its checkpoint reloads exactly; finetuning moves only the new head; evaluation reproduces training's
 * accuracy without keeping a graph; bad checkpoints stop with one clear message and exit code 1; the mnist port
 * prints pytorch/examples' lines.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { nn } from '@kindling/nn';
import { DataLoader } from '@kindling/data';
import { UsageError } from '../shared/cli.js';
import { loadCheckpoint, saveCheckpoint } from '../shared/checkpoint.js';
import { loadFashionMnist } from '../shared/fashion-mnist.js';
import { FashionCNN } from '../train-classifier/model.js';
import { type TrainResult, trainClassifier } from '../train-classifier/train.js';
import { formatConfusion, runEvaluate, type EvaluateOptions } from '../evaluate/evaluate.js';
import { runFinetune, type FinetuneOptions, type FinetuneResult } from '../finetune/finetune.js';
import { thrown } from '../../packages/core/test/helpers/golden.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const quiet = (): void => {};
const LIMIT = 256;
let dir: string;
let trained: TrainResult;
const paths = { cnn: '', corrupt: '', pth: '', linear: '', resized: '' };

/** A full GC for the memory readings (vitest runs without --expose-gc). */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const evalOptions = (checkpoint: string): EvaluateOptions => ({
  checkpoint,
  batchSize: 500,
  limit: LIMIT,
  memoryBatches: 0,
  memoryBatchSize: 32,
  gc,
  log: quiet,
});
const finetuneOptions = (checkpoint?: string): FinetuneOptions => ({
  checkpoint,
  out: join(dir, 'finetune'),
  epochs: 1,
  pretrainEpochs: 1,
  batchSize: 8,
  lr: 0.01,
  seed: 0,
  limit: 48,
  maxBatches: 3,
  log: quiet,
});

const compiled = new Set<string>();

/**
 * Runs an example's main.ts as the npm scripts do: compiled with the packages by tools/compile.mjs, then run
 * on plain node, from another directory (so the committed sample is found from the program, not the cwd).
 */
function cli(example: string, args: string[]) {
  if (!compiled.has(example)) {
    const c = spawnSync(process.execPath, ['tools/compile.mjs', `examples/${example}/main.ts`], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(c.status, c.stderr).toBe(0);
    compiled.add(example);
  }
  const program = join(root, 'examples', 'dist', example, 'main.mjs');
  const r = spawnSync(process.execPath, [program, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kindling-examples-'));
  paths.cnn = join(dir, 'fashion-cnn.safetensors');
  paths.corrupt = join(dir, 'corrupt.safetensors');
  writeFileSync(
    paths.corrupt,
    Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) % 256),
  );
  paths.pth = join(dir, 'resnet18.pth');
  writeFileSync(paths.pth, Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
  paths.linear = join(dir, 'linear.safetensors');
  saveCheckpoint(new nn.Linear(4, 3), paths.linear);
  // FashionCNN's keys, but a five-class last layer.
  const sd = new FashionCNN().stateDict();
  sd['classifier.4.weight'] = torch.zeros([5, 128]);
  sd['classifier.4.bias'] = torch.zeros([5]);
  paths.resized = join(dir, 'fashion-cnn-5.safetensors');
  torch.save(sd, paths.resized, { architecture: 'FashionCNN' });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('train-classifier', () => {
  it('lowers the loss and saves a checkpoint that reloads into identical outputs', () => {
    trained = trainClassifier({
      epochs: 1,
      batchSize: 16,
      lr: 0.003,
      seed: 0,
      checkpoint: paths.cnn,
      limit: LIMIT,
      log: quiet,
    });
    expect(trained.firstBatchLoss).toBeGreaterThan(trained.lastBatchLoss);
    const fresh = new FashionCNN();
    loadCheckpoint(fresh, paths.cnn, 'train first');
    const test = loadFashionMnist().test;
    const batch = torch.stack(Array.from({ length: 16 }, (_, i) => test.get(i)[0]));
    trained.model.eval();
    fresh.eval();
    const a = torch.noGrad(() => trained.model.forward(batch));
    const b = torch.noGrad(() => fresh.forward(batch));
    expect(Array.from(b.toArray())).toEqual(Array.from(a.toArray()));
  });
});

describe('evaluate', () => {
  it("reproduces train-classifier's accuracy for its checkpoint, with no graph on any output", () => {
    const r = runEvaluate(evalOptions(paths.cnn));
    expect(r.total).toBe(LIMIT);
    expect(r.accuracy).toBe(trained.bestAccuracy);
    expect(r.outputs).toBeGreaterThan(0);
    expect(r.outputsWithGradFn).toBe(0);
    expect(r.outputsRequiringGrad).toBe(0);
    expect(r.perClass.reduce((n, c) => n + c.total, 0)).toBe(LIMIT);
    expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBe(LIMIT);
    expect(r.perClass.map((c, i) => r.confusion[i][i])).toEqual(r.perClass.map((c) => c.correct));
    const table = formatConfusion(
      r.confusion,
      r.perClass.map((c) => c.name),
    ).split('\n');
    expect(new Set(table.map((line) => line.length)).size).toBe(1);
  });

  it('keeps memory flat under noGrad and growing without it', () => {
    const r = runEvaluate({ ...evalOptions(paths.cnn), memoryBatches: 4, memoryBatchSize: 32 });
    const { noGrad, withGrad } = r.comparison!;
    expect(noGrad.afterGc).toBe(true);
    const growth = (t: { arrayBuffers: number[] }) =>
      (t.arrayBuffers[t.arrayBuffers.length - 1] - t.arrayBuffers[0]) / (t.arrayBuffers.length - 1);
    // 32 images: the activations FashionCNN saves for backward take several MB per batch.
    expect(growth(withGrad)).toBeGreaterThan(2 ** 20);
    expect(growth(noGrad)).toBeLessThan(growth(withGrad) / 10);
  });
});

describe('finetune', () => {
  let r: FinetuneResult;
  beforeAll(() => {
    r = runFinetune(finetuneOptions());
  }, 60_000);

  it('leaves every frozen parameter and BatchNorm buffer bit-identical to the checkpoint', () => {
    expect(r.checkpointSource).toBe('pretrained now');
    expect(r.frozenChanged).toEqual([]);
    expect(r.frozenChecksumAfter).toBe(r.frozenChecksumBefore);
    expect(r.frozenTensors).toBe(120);
    const saved = torch.load(r.checkpoint);
    const now = r.model.stateDict();
    const frozen = Object.keys(saved).filter((k) => !k.startsWith('fc.'));
    expect(frozen.length).toBe(120);
    for (const k of frozen)
      expect(Buffer.from(now[k].toArray().buffer).equals(Buffer.from(saved[k].toArray().buffer)), k).toBe(true);
  });

  it('computes no gradient for frozen parameters, and moves the head', () => {
    expect(r.backwards).toBe(3);
    expect(r.backwardsWithFrozenGrad).toBe(0);
    expect(r.backwardsWithoutHeadGrad).toBe(0);
    expect(r.backboneRecordedGraph).toBe(false);
    const fc = new Set<Tensor>(r.model.fc.parameters());
    for (const p of r.model.parameters()) {
      if (fc.has(p)) expect(p.grad).not.toBeNull();
      else {
        expect(p.grad).toBeNull();
        expect(p.requiresGrad).toBe(false);
      }
    }
    expect(r.headChange).toBeGreaterThan(0);
    // Why the backbone is kept in eval mode: in train mode, frozen BatchNorm layers still update their statistics.
    expect(r.bnLayersMovedInTrainMode).toBe(r.bnLayers);
    expect(r.accuracyBefore).toBeGreaterThanOrEqual(0);
    expect(r.accuracyAfter).toBeLessThanOrEqual(1);
  });
});

describe('bad checkpoints', () => {
  const evaluate = (path: string) => thrown(() => runEvaluate(evalOptions(path)));
  const finetune = (path: string) => thrown(() => runFinetune(finetuneOptions(path)));

  it('a missing file says so and how to make one', () => {
    const e = evaluate(join(dir, 'nope.safetensors'));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/^checkpoint not found: .*nope\.safetensors\. Train one first with `pnpm example`/);
    expect(finetune(join(dir, 'nope.safetensors')).message).toMatch(
      /^checkpoint not found: .*resnet18 \.pth as PyTorch saved it.*leave out --checkpoint/,
    );
  });

  it('a corrupt file is named as neither safetensors nor a PyTorch checkpoint; a broken PyTorch .pth says what is wrong with it', () => {
    const e = evaluate(paths.corrupt);
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(
      /^cannot read checkpoint .*corrupt\.safetensors: .*neither a safetensors checkpoint nor a state dict PyTorch saved\. Train one first/,
    );
    expect(finetune(paths.corrupt).message).toMatch(/neither a safetensors checkpoint nor a state dict PyTorch saved/);
    expect(finetune(paths.pth).message).toMatch(
      /resnet18\.pth: not a readable PyTorch archive \(no end-of-central-directory record: the file is truncated\)/,
    );
  });

  it('a checkpoint of another architecture lists the mismatched keys and shapes', () => {
    const e = evaluate(paths.linear);
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(
      /^checkpoint .*linear\.safetensors does not fit FashionCNN \(it was saved from a Linear\): 18 missing key\(s\), 2 unexpected key\(s\)/,
    );
    expect(e.message).toContain('Unexpected key(s) in state_dict: "weight", "bias"');
    const resized = evaluate(paths.resized);
    expect(resized.message).toMatch(/0 missing key\(s\), 0 unexpected key\(s\), 2 size mismatch\(es\)/);
    expect(resized.message).toContain(
      'size mismatch for classifier.4.weight: copying a param with shape torch.Size([5, 128]) from checkpoint',
    );
    const f = finetune(paths.cnn);
    expect(f.message).toMatch(
      /does not fit ResNet \(it was saved from a FashionCNN\): 122 missing key\(s\), 18 unexpected key\(s\)/,
    );
    expect(f.message).toContain('Missing key(s) in state_dict: "conv1.weight"');
  });

  it('the command line prints the message and exits with code 1', () => {
    const missing = cli('evaluate', []);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(
      /^error: checkpoint not found: runs\/fashion-cnn\.safetensors\. Train one first with `pnpm example`/,
    );
    const corrupt = cli('finetune', ['--checkpoint', paths.corrupt]);
    expect(corrupt.status).toBe(1);
    expect(corrupt.stderr).toMatch(
      /^error: cannot read checkpoint .*neither a safetensors checkpoint nor a state dict PyTorch saved/,
    );
    const wrong = cli('evaluate', ['--checkpoint', paths.linear]);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/^error: checkpoint .* does not fit FashionCNN/);
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a compiled program', () => {
  it("finds @kindling/data's worker entry for DataLoader workers, the package's code being in the bundle", () => {
    const c = spawnSync(process.execPath, ['tools/compile.mjs', 'examples/test/fixtures/bundled-workers.ts'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(c.status, c.stderr).toBe(0);
    // The repository's packages are not built, so '@kindling/data/worker-entry' resolves to the TypeScript source
    // (the workers load it through tsx, as under vitest); an installed package resolves its dist/worker-entry.js.
    const r = spawnSync(
      process.execPath,
      [
        '--conditions=source',
        join(root, 'examples', 'dist', 'test', 'fixtures', 'bundled-workers.mjs'),
        join(root, 'examples', 'test', 'fixtures', 'squares-dataset.mjs'),
      ],
      { cwd: dir, encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    torch.manualSeed(11);
    const loader = new DataLoader({ length: 10, get: (i: number) => i * i }, { batchSize: 4, shuffle: true });
    const want = [...loader].map((b) => Array.from(b.toArray()));
    expect(JSON.parse(r.stdout)).toEqual(want);
    expect(want.flat().sort((a, b) => a - b)).toEqual([0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
  });
});

describe('examples/mnist', () => {
  it("runs pytorch/examples' mnist loop and prints its lines (--dry-run: one logged batch per epoch)", () => {
    const r = cli('mnist', ['--dry-run', '--epochs', '2', '--test-batch-size', '500', '--save-model']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Train Epoch: 1 \[0\/2000 \(0%\)\]\tLoss: 2\.\d{6}\n/);
    expect(r.stdout).toMatch(/Train Epoch: 2 \[0\/2000 \(0%\)\]\tLoss: \d\.\d{6}\n/);
    expect(r.stdout).toMatch(/\nTest set: Average loss: \d\.\d{4}, Accuracy: \d+\/1000 \(\d+%\)\n/);
    const sd = torch.load(join(dir, 'mnist_cnn.safetensors'));
    expect(Object.keys(sd)).toEqual([
      'conv1.weight',
      'conv1.bias',
      'conv2.weight',
      'conv2.bias',
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
    ]);
  });
});
