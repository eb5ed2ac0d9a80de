/**
 * Trains FashionCNN on Fashion-MNIST the way a PyTorch script does: a shuffling DataLoader, model.train(),
 * CrossEntropyLoss, Adam with a OneCycle schedule, zeroGrad/backward/step; after each epoch an evaluation loop
 * under noGrad with model.eval(); the best checkpoint saved as safetensors.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { nn, type Module } from '@kindling/nn';
import { Adam, lrScheduler } from '@kindling/optim';
import { DataLoader, Subset } from '@kindling/data';
import { ProgressBar } from '../shared/progress.js';
import { saveCheckpoint } from '../shared/checkpoint.js';
import { type DataChoice, loadFashionMnist } from '../shared/fashion-mnist.js';
import { FashionCNN } from './model.js';

export interface TrainOptions extends DataChoice {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  checkpoint: string;
  /** Stop each epoch after this many batches (smoke tests). */
  maxBatches?: number;
  /** Use only the first N training / test images (smoke tests). */
  limit?: number;
  log?: (line: string) => void;
}

export interface EpochResult {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
  imagesPerSecond: number;
}

export interface TrainResult {
  epochs: EpochResult[];
  /** Mean loss of the first and the last logged training batches. */
  firstBatchLoss: number;
  lastBatchLoss: number;
  bestAccuracy: number;
  checkpoint: string;
  model: FashionCNN;
  dataDescription: string;
}

/** Accuracy and mean loss over a loader, under noGrad with the model in eval mode. */
export function evaluate(
  model: Module,
  loader: DataLoader<[Tensor, number]>,
  criterion: InstanceType<typeof nn.CrossEntropyLoss>,
) {
  model.eval();
  let correct = 0;
  let total = 0;
  let lossSum = 0;
  torch.noGrad(() => {
    for (const [images, labels] of loader) {
      const logits = model.forward(images) as Tensor;
      lossSum += criterion.forward(logits, labels).item() * labels.shape[0];
      correct += logits.argmax(1).eq(labels).sum().item();
      total += labels.shape[0];
    }
  });
  return { accuracy: correct / total, loss: lossSum / total };
}

export function trainClassifier(options: TrainOptions): TrainResult {
  const log = options.log ?? console.log;
  torch.manualSeed(options.seed);
  const data = loadFashionMnist(options);
  log(`data: ${data.description}`);
  const limit = (n: number) => Array.from({ length: Math.min(n, options.limit ?? n) }, (_, i) => i);
  const trainSet = options.limit ? new Subset(data.train, limit(data.train.length)) : data.train;
  const testSet = options.limit ? new Subset(data.test, limit(data.test.length)) : data.test;
  const trainLoader = new DataLoader(trainSet, { batchSize: options.batchSize, shuffle: true });
  const testLoader = new DataLoader(testSet, { batchSize: 500 });

  const model = new FashionCNN();
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new Adam(model.parameters(), { lr: options.lr });
  const stepsPerEpoch = Math.min(trainLoader.length, options.maxBatches ?? Infinity);
  const scheduler = new lrScheduler.OneCycleLR(optimizer, options.lr, { totalSteps: options.epochs * stepsPerEpoch });

  const epochs: EpochResult[] = [];
  const batchLosses: number[] = [];
  let best = -1;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    model.train();
    const bar = new ProgressBar(`epoch ${epoch}/${options.epochs}`, stepsPerEpoch);
    let seen = 0;
    let lossSum = 0;
    let step = 0;
    for (const [images, labels] of trainLoader) {
      optimizer.zeroGrad();
      const loss = criterion.forward(model.forward(images), labels);
      loss.backward();
      optimizer.step();
      scheduler.step();
      const value = loss.item();
      batchLosses.push(value);
      seen += labels.shape[0];
      lossSum += value * labels.shape[0];
      step++;
      bar.update(step, seen, lossSum / seen);
      if (step >= stepsPerEpoch) break;
    }
    const seconds = bar.elapsed();
    const { accuracy, loss: testLoss } = evaluate(model, testLoader, criterion);
    epochs.push({
      epoch,
      trainLoss: lossSum / seen,
      testLoss,
      testAccuracy: accuracy,
      seconds,
      imagesPerSecond: seen / seconds,
    });
    log(
      `epoch ${epoch}: train loss ${(lossSum / seen).toFixed(4)}, test loss ${testLoss.toFixed(4)}, test accuracy ${(accuracy * 100).toFixed(2)}%, ${seconds.toFixed(1)} s (${(seen / seconds).toFixed(0)} img/s)`,
    );
    if (accuracy > best) {
      best = accuracy;
      saveCheckpoint(model, options.checkpoint, { epoch: String(epoch), testAccuracy: accuracy.toFixed(4) });
      log(`saved the best checkpoint so far to ${options.checkpoint}`);
    }
  }
  const k = Math.max(1, Math.min(5, Math.floor(batchLosses.length / 4)));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    epochs,
    firstBatchLoss: mean(batchLosses.slice(0, k)),
    lastBatchLoss: mean(batchLosses.slice(-k)),
    bestAccuracy: best,
    checkpoint: options.checkpoint,
    model,
    dataDescription: data.description,
  };
}
