/**
 * The "pretraining" that stands in for a downloaded checkpoint: torchvision's ResNet-18, trained from scratch
 * for a short while on Fashion-MNIST classes 0-4 only, saved as safetensors. The finetuning that follows then
 * reuses its features for classes 5-9, which it never saw.
 */
import type { Tensor } from '@kindling/core';
import { nn } from '@kindling/nn';
import { Adam } from '@kindling/optim';
import { DataLoader } from '@kindling/data';
import { saveCheckpoint } from '../shared/checkpoint.js';
import { ClassSubset, type FashionData } from '../shared/fashion-mnist.js';
import { ProgressBar } from '../shared/progress.js';
import { evaluate } from '../train-classifier/train.js';

/** The classes the pretrained checkpoint knows, and the ones the new head learns. */
export const PRETRAIN_CLASSES = [0, 1, 2, 3, 4];
export const FINETUNE_CLASSES = [5, 6, 7, 8, 9];

/** ResNet-18 takes RGB images: the gray channel three times (torchvision's Grayscale(num_output_channels=3)). */
export const toRgb = (image: Tensor): Tensor => image.expand(3, -1, -1);

export interface PretrainOptions {
  epochs: number;
  batchSize: number;
  /** At most this many training / test images. */
  limit: number;
  maxBatches?: number;
  log: (line: string) => void;
}

export interface PretrainResult {
  seconds: number;
  testAccuracy: number;
}

/** Trains resnet18({ numClasses: 5 }) on classes 0-4 with Adam and saves it to `path`. */
export function pretrain(data: FashionData, path: string, options: PretrainOptions): PretrainResult {
  const start = performance.now();
  const trainSet = new ClassSubset(data.train, PRETRAIN_CLASSES, { limit: options.limit, transform: toRgb });
  const testSet = new ClassSubset(data.test, PRETRAIN_CLASSES, { limit: options.limit, transform: toRgb });
  options.log(`pretraining resnet18 on classes ${trainSet.names.join(', ')}: ${trainSet.length} training images`);
  // dropLast: BatchNorm in train mode needs more than one value per channel, and 993 = 31 * 32 + 1.
  const loader = new DataLoader(trainSet, { batchSize: options.batchSize, shuffle: true, dropLast: true });
  const model = nn.models.resnet18({ numClasses: PRETRAIN_CLASSES.length });
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const steps = Math.min(loader.length, options.maxBatches ?? Infinity);
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    model.train();
    const bar = new ProgressBar(`pretrain epoch ${epoch}/${options.epochs}`, steps);
    let step = 0;
    let seen = 0;
    let lossSum = 0;
    for (const [images, labels] of loader) {
      optimizer.zeroGrad();
      const loss = criterion.forward(model.forward(images), labels);
      loss.backward();
      optimizer.step();
      seen += labels.shape[0];
      lossSum += loss.item() * labels.shape[0];
      bar.update(++step, seen, lossSum / seen);
      if (step >= steps) break;
    }
  }
  const { accuracy } = evaluate(model, new DataLoader(testSet, { batchSize: 100 }), criterion);
  saveCheckpoint(model, path, { classes: PRETRAIN_CLASSES.join(','), testAccuracy: accuracy.toFixed(4) });
  const seconds = (performance.now() - start) / 1000;
  options.log(
    `pretrained: test accuracy on classes 0-4 ${(accuracy * 100).toFixed(2)}% (${testSet.length} images), ${seconds.toFixed(1)} s; saved ${path}`,
  );
  return { seconds, testAccuracy: accuracy };
}
