/**
 * torchvision's DatasetFolder and ImageFolder: one folder per class under `root`, every file below it (sub-folders
 * included, symbolic links followed) whose name has one of the extensions is a sample of that class. Classes and
 * files are ordered as torchvision orders them (sorted names; folders walked in sorted path order), so index i is
 * the same sample in both.
 */
import { readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '../dataset.js';
import { IndexError, RuntimeError, ValueError } from '../errors.js';
import type { Image } from '../image.js';
import { type TransformLike, applyTransform } from '../transforms/compose.js';
import { loadImage } from './image-files.js';
import { isDirectory as isDir } from './node-io.js';

/** torchvision's IMG_EXTENSIONS. BMP, TIFF and WebP files are listed (so indices match) but fail to load. */
export const IMG_EXTENSIONS: readonly string[] = [
  '.jpg',
  '.jpeg',
  '.png',
  '.ppm',
  '.bmp',
  '.pgm',
  '.tif',
  '.tiff',
  '.webp',
];

export interface DatasetFolderOptions<S, X, Y> {
  /** Reads one file into a sample. */
  loader: (path: string) => S;
  /** File-name endings that count as samples (case-insensitive); give this or `isValidFile`. */
  extensions?: readonly string[] | null;
  /** Decides whether a file is a sample; give this or `extensions`. */
  isValidFile?: ((path: string) => boolean) | null;
  transform?: TransformLike<S, X> | null;
  targetTransform?: TransformLike<number, Y> | null;
}

export type ImageFolderOptions<X, Y> = Partial<DatasetFolderOptions<Image, X, Y>>;

/** Python's string order (by code point), which differs from `<` on strings only for characters beyond U+FFFF. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The class folders of `directory`, sorted, and their indices (torchvision's find_classes). */
export function findClasses(directory: string): [string[], Record<string, number>] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (e) {
    throw new RuntimeError(`cannot read ${directory}: ${(e as Error).message}`, { cause: e });
  }
  const classes = names.filter((n) => isDir(join(directory, n))).sort(byCodePoint);
  if (classes.length === 0) throw new RuntimeError(`Couldn't find any class folder in ${directory}.`);
  return [classes, Object.fromEntries(classes.map((c, i) => [c, i]))];
}

/** Every folder under `top` (itself included, links followed, each real folder once), in sorted path order. */
function walk(top: string): { dir: string; files: string[] }[] {
  const found: { dir: string; files: string[] }[] = [];
  const seen = new Set<string>();
  const visit = (dir: string): void => {
    const real = realpathSync(dir);
    if (seen.has(real)) return; // a link back up the tree would otherwise loop forever
    seen.add(real);
    const files: string[] = [];
    const subdirs: string[] = [];
    for (const name of readdirSync(dir)) (isDir(join(dir, name)) ? subdirs : files).push(name);
    found.push({ dir, files: files.sort(byCodePoint) });
    for (const sub of subdirs) visit(join(dir, sub));
  };
  visit(top);
  return found.sort((a, b) => byCodePoint(a.dir, b.dir));
}

/** The (path, class index) pairs under `directory` (torchvision's make_dataset), with its checks and messages. */
export function makeDataset(
  directory: string,
  classToIdx: Record<string, number>,
  extensions: readonly string[] | null,
  isValidFile: ((path: string) => boolean) | null,
): [string, number][] {
  if (Object.keys(classToIdx).length === 0)
    throw new ValueError("'class_to_index' must have at least one entry to collect any samples.");
  if ((extensions === null) === (isValidFile === null)) {
    throw new ValueError('Both extensions and is_valid_file cannot be None or not None at the same time');
  }
  const lowered = extensions?.map((e) => e.toLowerCase()) ?? [];
  const valid = isValidFile ?? ((path: string) => lowered.some((e) => path.toLowerCase().endsWith(e)));
  const instances: [string, number][] = [];
  const available = new Set<string>();
  for (const target of Object.keys(classToIdx).sort(byCodePoint)) {
    const targetDir = join(directory, target);
    if (!isDir(targetDir)) continue;
    for (const { dir, files } of walk(targetDir)) {
      for (const name of files) {
        const path = join(dir, name);
        if (!valid(path)) continue;
        instances.push([path, classToIdx[target]]);
        available.add(target);
      }
    }
  }
  const empty = Object.keys(classToIdx).filter((c) => !available.has(c));
  if (empty.length > 0) {
    let msg = `Found no valid file for the classes ${empty.sort(byCodePoint).join(', ')}. `;
    if (extensions !== null) msg += `Supported extensions are: ${extensions.join(', ')}`;
    throw new RuntimeError(msg);
  }
  return instances;
}

/** A dataset of files in one folder per class: `get(i)` is `[loader(path), classIndex]`, transformed. */
export class DatasetFolder<S, X = S, Y = number> extends Dataset<[X, Y]> {
  readonly root: string;
  readonly loader: (path: string) => S;
  readonly extensions: readonly string[] | null;
  readonly transform: TransformLike<S, X> | null;
  readonly targetTransform: TransformLike<number, Y> | null;
  /** The class names (the folder names), sorted. */
  readonly classes: string[];
  readonly classToIdx: Record<string, number>;
  /** (path, class index) of every sample, in torchvision's order. */
  readonly samples: [string, number][];
  /** The class index of every sample. */
  readonly targets: number[];

  constructor(root: string, options: DatasetFolderOptions<S, X, Y>) {
    super();
    this.root = root;
    this.loader = options.loader;
    this.extensions = options.extensions ?? null;
    this.transform = options.transform ?? null;
    this.targetTransform = options.targetTransform ?? null;
    [this.classes, this.classToIdx] = findClasses(root);
    this.samples = makeDataset(root, this.classToIdx, this.extensions, options.isValidFile ?? null);
    this.targets = this.samples.map((s) => s[1]);
  }

  get length(): number {
    return this.samples.length;
  }

  get(index: number): [X, Y] {
    const n = this.samples.length;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new IndexError(`list index out of range (index ${index}, ${n} samples)`);
    const [path, target] = this.samples[i];
    const sample = this.loader(path);
    const x = this.transform ? applyTransform(this.transform, sample) : (sample as unknown as X);
    const y = this.targetTransform ? applyTransform(this.targetTransform, target) : (target as unknown as Y);
    return [x, y];
  }
}

/**
 * Images in one folder per class (torchvision.datasets.ImageFolder): each file is read as an 8-bit RGB `Image`
 * (PNG, JPEG and PPM/PGM/PBM are decoded; pixels equal PIL's), then `transform` is applied.
 */
export class ImageFolder<X = Image, Y = number> extends DatasetFolder<Image, X, Y> {
  constructor(root: string, options: ImageFolderOptions<X, Y> = {}) {
    const isValidFile = options.isValidFile ?? null;
    super(root, {
      ...options,
      loader: options.loader ?? loadImage,
      extensions: isValidFile === null ? (options.extensions ?? IMG_EXTENSIONS) : (options.extensions ?? null),
      isValidFile,
    });
  }

  /** The samples (torchvision's `imgs`). */
  get imgs(): [string, number][] {
    return this.samples;
  }
}
