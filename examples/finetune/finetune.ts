/**
 * Finetuning as in PyTorch's autograd notes ("Locally disabling gradient computation" / excluding subgraphs):
 * load a pretrained ResNet-18, freeze every parameter, replace the classifier with a new nn.Linear and
 * optimize only that. Here the checkpoint knows Fashion-MNIST classes 0-4 and the new head learns classes 5-9.
 *
 *   model = torchvision.models.resnet18()
 *   model.load_state_dict(torch.load(path))
 *   for param in model.parameters():
 *       param.requires_grad = False
 *   model.fc = nn.Linear(512, 5)
 *   optimizer = optim.SGD(model.fc.parameters(), lr=1e-2, momentum=0.9)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { nn, type ResNet } from '@kindling/nn';
import { SGD } from '@kindling/optim';
import { DataLoader } from '@kindling/data';
import { applyCheckpoint, readCheckpoint, saveCheckpoint, type Checkpoint } from '../shared/checkpoint.js';
import { ClassSubset, type DataChoice, loadFashionMnist } from '../shared/fashion-mnist.js';
import { ProgressBar } from '../shared/progress.js';
import { evaluate } from '../train-classifier/train.js';
import { FINETUNE_CLASSES, pretrain, toRgb } from './pretrain.js';

export interface FinetuneOptions extends DataChoice {
  /** A ResNet-18 checkpoint (safetensors); without one, `out`/resnet18-pretrained.safetensors, made first if missing. */
  checkpoint?: string;
  /** Directory for the pretrained and the finetuned checkpoints. */
  out: string;
  epochs: number;
  pretrainEpochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** At most this many training / test images in each phase (0: all). */
  limit: number;
  /** Stop each epoch after this many batches (smoke tests). */
  maxBatches?: number;
  log?: (line: string) => void;
}

export interface FinetuneResult {
  checkpoint: string;
  checkpointSource: 'given' | 'pretrained now' | 'reused';
  /** sha256 over every frozen parameter and every buffer, before and after finetuning. */
  frozenChecksumBefore: string;
  frozenChecksumAfter: string;
  /** Names of frozen parameters or buffers whose bytes changed (none, when all is well). */
  frozenChanged: string[];
  frozenTensors: number;
  frozenValues: number;
  /** Backward passes after which some frozen parameter had a gradient / the head lacked one. */
  backwardsWithFrozenGrad: number;
  backwardsWithoutHeadGrad: number;
  backwards: number;
  /** Whether the backbone's output (what fc receives) ever required grad, i.e. recorded a graph. */
  backboneRecordedGraph: boolean;
  /** BatchNorm layers whose running statistics one forward pass in train mode would have moved. */
  bnLayersMovedInTrainMode: number;
  bnLayers: number;
  /** Largest absolute change of a head weight. */
  headChange: number;
  accuracyBefore: number;
  accuracyAfter: number;
  firstBatchLoss: number;
  lastBatchLoss: number;
  trainImages: number;
  testImages: number;
  seconds: { pretrain: number; load: number; evaluate: number; train: number; total: number };
  model: ResNet;
  finetuned: string;
}

/** sha256 of each tensor's bytes, and one over all of them in order. */
export function checksums(named: [string, Tensor][]): { each: Map<string, string>; all: string } {
  const all = createHash('sha256');
  const each = new Map<string, string>();
  for (const [name, t] of named) {
    const a = t.toArray();
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    each.set(name, createHash('sha256').update(bytes).digest('hex'));
    all.update(name).update(bytes);
  }
  return { each, all: all.digest('hex') };
}

const CHECKPOINT_HINT =
  "Pass a ResNet-18 state dict (torchvision's resnet18 .pth as PyTorch saved it, or a safetensors file), " +
  'or leave out --checkpoint to pretrain one on Fashion-MNIST classes 0-4.';

/** A resnet18 with as many outputs as the checkpoint's fc (1000 for torchvision's), loaded from it. */
function loadResnet18(checkpoint: Checkpoint): ResNet {
  const fc = checkpoint.state['fc.weight'];
  const model = nn.models.resnet18({ numClasses: fc?.ndim === 2 ? fc.shape[0] : 1000 });
  applyCheckpoint(model, checkpoint, CHECKPOINT_HINT);
  return model;
}

/** How many BatchNorm layers a train-mode forward pass moves, on a frozen copy (which is then dropped). */
function bnMovedInTrainMode(checkpoint: Checkpoint, images: Tensor): { moved: number; total: number } {
  const probe = loadResnet18(checkpoint);
  for (const param of probe.parameters()) param.requiresGrad = false;
  const bns = probe.modules().filter((m): m is InstanceType<typeof nn.BatchNorm2d> => m instanceof nn.BatchNorm2d);
  const before = bns.map((bn) => bn.running_mean!.clone());
  probe.train();
  probe.forward(images);
  const moved = bns.filter((bn, i) => !bn.running_mean!.eq(before[i]).all().item()).length;
  return { moved, total: bns.length };
}

export function runFinetune(options: FinetuneOptions): FinetuneResult {
  const log = options.log ?? console.log;
  const start = performance.now();
  torch.manualSeed(options.seed);
  // 1. The pretrained model: from the checkpoint given (read before anything else, so a bad one stops at once),
  // else from the one pretrained here on classes 0-4, made once and then reused.
  let t = performance.now();
  const load = (path: string) => {
    const checkpoint = readCheckpoint(path, CHECKPOINT_HINT);
    return { path, checkpoint, model: loadResnet18(checkpoint) };
  };
  let loaded = options.checkpoint === undefined ? null : load(options.checkpoint);
  let loadSeconds = (performance.now() - t) / 1000;
  const data = loadFashionMnist(options);
  log(`data: ${data.description}`);
  let source: FinetuneResult['checkpointSource'] = 'given';
  let pretrainSeconds = 0;
  if (loaded === null) {
    mkdirSync(options.out, { recursive: true });
    const path = join(options.out, 'resnet18-pretrained.safetensors');
    source = existsSync(path) ? 'reused' : 'pretrained now';
    if (source === 'reused') log(`reusing the pretrained checkpoint ${path} (delete it to pretrain again)`);
    else {
      const { batchSize, limit, maxBatches } = options;
      pretrainSeconds = pretrain(data, path, {
        epochs: options.pretrainEpochs,
        batchSize,
        limit,
        maxBatches,
        log,
      }).seconds;
    }
    t = performance.now();
    loaded = load(path);
    loadSeconds = (performance.now() - t) / 1000;
  }
  const { path, checkpoint, model } = loaded;
  log(`loaded ${path} into resnet18 (${Object.keys(checkpoint.state).length} tensors) in ${loadSeconds.toFixed(2)} s`);

  // 2. Freeze everything, then replace the classifier: the new Linear's parameters require grad.
  for (const param of model.parameters()) param.requiresGrad = false;
  model.fc = new nn.Linear(512, FINETUNE_CLASSES.length);
  const optimizer = new SGD(model.fc.parameters(), { lr: options.lr, momentum: 0.9 });

  // 3. The frozen backbone stays in eval mode. requiresGrad = false stops gradients and updates of parameters
  // only: in train mode BatchNorm would still update its running mean and variance on every forward pass, as in
  // PyTorch, so the "frozen" model would drift. eval() holds them (and makes BatchNorm use them). The new head
  // is a Linear, which behaves the same in both modes.
  model.eval();

  const trainSet = new ClassSubset(data.train, FINETUNE_CLASSES, { limit: options.limit, transform: toRgb });
  const testSet = new ClassSubset(data.test, FINETUNE_CLASSES, { limit: options.limit, transform: toRgb });
  const trainLoader = new DataLoader(trainSet, { batchSize: options.batchSize, shuffle: true });
  const testLoader = new DataLoader(testSet, { batchSize: 100 });
  log(
    `finetuning on classes ${trainSet.names.join(', ')} (labels 0-4): ${trainSet.length} training, ${testSet.length} held-out images`,
  );

  const bn = bnMovedInTrainMode(checkpoint, torch.stack([0, 1, 2, 3].map((i) => trainSet.get(i % trainSet.length)[0])));
  log(
    `why eval(): one forward pass in train mode moves the running statistics of ${bn.moved} of ${bn.total} frozen BatchNorm layers`,
  );

  const frozenNamed = (): [string, Tensor][] => [
    ...model.namedParameters().filter(([name]) => !name.startsWith('fc.')),
    ...model.namedBuffers(),
  ];
  const frozenParams = model
    .namedParameters()
    .filter(([name]) => !name.startsWith('fc.'))
    .map(([, p]) => p);
  const before = checksums(frozenNamed());
  const frozenValues = frozenNamed().reduce((n, [, x]) => n + x.numel(), 0);
  log(
    `frozen: ${frozenParams.length} parameter tensors + ${model.buffers().length} buffers, ${frozenValues.toLocaleString('en-US')} values, sha256 ${before.all.slice(0, 16)}`,
  );
  const headBefore = model.fc.weight.clone();

  const criterion = new nn.CrossEntropyLoss();
  t = performance.now();
  const accuracyBefore = evaluate(model, testLoader, criterion).accuracy;
  let evalSeconds = (performance.now() - t) / 1000;
  log(
    `held-out accuracy of the new (untrained) head: ${(accuracyBefore * 100).toFixed(2)}% (${evalSeconds.toFixed(1)} s)`,
  );

  // The backbone's output is what the head receives: with every backbone parameter frozen, the
  // training forward passes record no graph through it.
  let backboneRecordedGraph = false;
  const hook = model.avgpool.registerForwardHook((_m, _input, output) => {
    if ((output as Tensor).requiresGrad) backboneRecordedGraph = true;
  });

  const losses: number[] = [];
  let backwardsWithFrozenGrad = 0;
  let backwardsWithoutHeadGrad = 0;
  const steps = Math.min(trainLoader.length, options.maxBatches ?? Infinity);
  t = performance.now();
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const bar = new ProgressBar(`finetune epoch ${epoch}/${options.epochs}`, steps);
    let step = 0;
    let seen = 0;
    let lossSum = 0;
    for (const [images, labels] of trainLoader) {
      optimizer.zeroGrad();
      const loss = criterion.forward(model.forward(images), labels);
      loss.backward();
      if (frozenParams.some((p) => p.grad !== null)) backwardsWithFrozenGrad++;
      if (model.fc.parameters().some((p) => p.grad === null)) backwardsWithoutHeadGrad++;
      optimizer.step();
      losses.push(loss.item());
      seen += labels.shape[0];
      lossSum += loss.item() * labels.shape[0];
      bar.update(++step, seen, lossSum / seen);
      if (step >= steps) break;
    }
  }
  const trainSeconds = (performance.now() - t) / 1000;
  hook.remove();

  t = performance.now();
  const accuracyAfter = evaluate(model, testLoader, criterion).accuracy;
  const evalAfter = (performance.now() - t) / 1000;
  evalSeconds += evalAfter;
  log(`held-out accuracy after finetuning the head: ${(accuracyAfter * 100).toFixed(2)}% (${evalAfter.toFixed(1)} s)`);

  const after = checksums(frozenNamed());
  const frozenChanged = [...before.each].filter(([name, sum]) => after.each.get(name) !== sum).map(([name]) => name);
  const headChange = model.fc.weight.sub(headBefore).abs().max().item();
  const finetuned = join(options.out, 'resnet18-finetuned.safetensors');
  mkdirSync(options.out, { recursive: true });
  saveCheckpoint(model, finetuned, { classes: FINETUNE_CLASSES.join(','), testAccuracy: accuracyAfter.toFixed(4) });

  const k = Math.max(1, Math.min(5, Math.floor(losses.length / 4)));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    checkpoint: path,
    checkpointSource: source,
    frozenChecksumBefore: before.all,
    frozenChecksumAfter: after.all,
    frozenChanged,
    frozenTensors: before.each.size,
    frozenValues,
    backwardsWithFrozenGrad,
    backwardsWithoutHeadGrad,
    backwards: losses.length,
    backboneRecordedGraph,
    bnLayersMovedInTrainMode: bn.moved,
    bnLayers: bn.total,
    headChange,
    accuracyBefore,
    accuracyAfter,
    firstBatchLoss: mean(losses.slice(0, k)),
    lastBatchLoss: mean(losses.slice(-k)),
    trainImages: trainSet.length,
    testImages: testSet.length,
    seconds: {
      pretrain: pretrainSeconds,
      load: loadSeconds,
      evaluate: evalSeconds,
      train: trainSeconds,
      total: (performance.now() - start) / 1000,
    },
    model,
    finetuned,
  };
}
