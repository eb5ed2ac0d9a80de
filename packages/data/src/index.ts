/**
 * @kindling/data — datasets, samplers, DataLoader and transforms (torch.utils.data, torchvision.transforms).
 * Browser-safe: nothing here loads a Node.js module when imported. File readers (MNIST, CIFAR-10, CSV) are in
 * `@kindling/data/node`.
 *
 * @module @kindling/data
 */
export {
  Dataset,
  IterableDataset,
  TensorDataset,
  Subset,
  ConcatDataset,
  ChainDataset,
  randomSplit,
  isIterableDataset,
} from './dataset.js';
export type { MapDataset } from './dataset.js';
export {
  Sampler,
  SequentialSampler,
  RandomSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
  BatchSampler,
} from './sampler.js';
export type { Sized, RandomSamplerOptions, WeightedRandomSamplerOptions } from './sampler.js';
export { defaultCollate, defaultConvert } from './collate.js';
export type { Collated } from './collate.js';
export { DataLoader } from './dataloader.js';
export type { DataLoaderOptions, AnyDataset } from './dataloader.js';
export type { WorkerDatasetSpec } from './workers.js';
export { getWorkerInfo } from './worker-info.js';
export type { WorkerInfo } from './worker-info.js';
export { AssertionError } from './errors.js';
export type { Image } from './image.js';
export { isImage } from './image.js';
export * as transforms from './transforms.js';
export * as utils from './utils.js';
export { parseIdx, encodeIdx } from './readers/idx.js';
export type { IdxTensor, IdxType, IdxArray } from './readers/idx.js';
