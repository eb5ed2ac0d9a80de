/**
 * @kindling/data/node — dataset file readers for Node.js (they use node:fs and node:zlib):
 * MNIST / FashionMNIST (IDX files, raw or gzipped), CIFAR-10 (binary batches), CSV, ImageFolder and image files
 * (PNG, JPEG, PPM/PGM/PBM), and the location of the Fashion-MNIST data on this machine.
 *
 * @module @kindling/data/node
 */
export { MNIST, FashionMNIST } from './readers/mnist.js';
export type { MNISTOptions } from './readers/mnist.js';
export { CIFAR10, parseCifarBatch, CIFAR_RECORD } from './readers/cifar.js';
export type { CIFAR10Options } from './readers/cifar.js';
export { CSVDataset, parseCSV } from './readers/csv.js';
export type { CSVOptions } from './readers/csv.js';
export { fashionMnistRoot, fashionMnistSampleRoot, SYSTEM_FASHION_MNIST } from './readers/sample.js';
export { readBytes as readFileBytes } from './readers/node-io.js';
export { DatasetFolder, ImageFolder, IMG_EXTENSIONS, findClasses, makeDataset } from './readers/image-folder.js';
export type { DatasetFolderOptions, ImageFolderOptions } from './readers/image-folder.js';
export { decodeImage, encodePng, loadImage, saveImage, toRGB, writePng } from './readers/image-files.js';
