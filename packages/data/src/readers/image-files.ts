/**
 * Image files (Node.js only): PNG through pngjs, JPEG through libjpeg-turbo (the decoder Pillow uses, built to
 * WebAssembly by @cwasm/jpeg-turbo, so pixels match PIL's exactly), netpbm in netpbm.ts; `loadImage` is
 * torchvision's default loader (the file as an RGB image, as PIL's `Image.open(f).convert('RGB')`), and
 * `encodePng`, `writePng` and `saveImage` (torchvision.utils.save_image) write 8-bit PNGs.
 */
import { writeFileSync } from 'node:fs';
import { decode as decodeJpegTurbo } from '@cwasm/jpeg-turbo';
import type * as torch from '@kindling/core';
import { PNG } from 'pngjs';
import { RuntimeError, ValueError } from '../errors.js';
import type { Image } from '../image.js';
import { type MakeGridOptions, gridToImage, makeGrid } from '../utils.js';
import { decodeNetpbm, isNetpbm } from './netpbm.js';
import { readBytes } from './node-io.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Pillow's limit (twice MAX_IMAGE_PIXELS) past which it refuses an image as a decompression bomb. */
const MAX_PIXELS = 178956970;

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** The name of a format we recognise but do not decode, for the error message. */
function otherFormat(bytes: Uint8Array): string | null {
  const ascii = String.fromCharCode(...bytes.subarray(0, 12));
  if (ascii.startsWith('BM')) return 'BMP';
  if (ascii.startsWith('GIF8')) return 'GIF';
  if (ascii.startsWith('II*\0') || ascii.startsWith('MM\0*')) return 'TIFF';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'WebP';
  return null;
}

/**
 * Decodes PNG, JPEG or netpbm bytes (told apart by their first bytes, whatever the file is called) into an
 * 8-bit image with the file's channels: 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA). Sixteen-bit samples
 * become 8-bit as Pillow converts them: colour and alpha keep their high byte, 16-bit gray is clipped at 255.
 */
export function decodeImage(bytes: Uint8Array, source = 'image'): Image {
  try {
    if (startsWith(bytes, PNG_SIGNATURE)) return decodePng(bytes);
    if (startsWith(bytes, [0xff, 0xd8, 0xff])) return decodeJpeg(bytes);
    if (isNetpbm(bytes)) return decodeNetpbm(bytes);
  } catch (e) {
    throw new RuntimeError(`${source}: cannot decode the image: ${(e as Error).message}`, { cause: e });
  }
  const other = otherFormat(bytes);
  throw new RuntimeError(
    other === null
      ? `${source}: cannot identify image file (Kindling reads PNG, JPEG and PPM/PGM/PBM)`
      : `${source}: cannot decode ${other} images (Kindling reads PNG, JPEG and PPM/PGM/PBM); convert the file to PNG`,
  );
}

/** The chunks of a PNG after the signature, with the tRNS chunk of a gray or RGB image left out. */
function pngWithoutColorKey(bytes: Uint8Array): { bytes: Uint8Array; depth: number; colorType: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 33) throw new ValueError('truncated PNG header');
  const depth = bytes[24];
  const colorType = bytes[25];
  if (colorType !== 0 && colorType !== 2) return { bytes, depth, colorType };
  // pngjs blacks out the pixels of a colour key; Pillow's convert('RGB') keeps them, so the key is dropped.
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  for (let pos = 8; pos + 8 <= bytes.length; ) {
    const end = Math.min(bytes.length, pos + 12 + view.getUint32(pos));
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (type !== 'tRNS') kept.push(bytes.subarray(pos, end));
    pos = end;
  }
  return { bytes: kept.length === 1 ? bytes : Buffer.concat(kept), depth, colorType };
}

function decodePng(raw: Uint8Array): Image {
  const { bytes, depth, colorType } = pngWithoutColorKey(raw);
  const sixteen = depth === 16;
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { skipRescale: sixteen });
  const rgba = png.data as unknown as ArrayLike<number>;
  const { width, height } = png;
  const gray = colorType === 0 || colorType === 4;
  const alpha = colorType === 4 || colorType === 6 || (colorType === 3 && hasPaletteAlpha(rgba));
  const channels = (gray ? 1 : 3) + (alpha ? 1 : 0);
  const data = new Uint8Array(width * height * channels);
  const to8 = !sixteen ? (v: number) => v : colorType === 0 ? (v: number) => Math.min(v, 255) : (v: number) => v >> 8;
  for (let p = 0, o = 0; p < width * height; p++) {
    data[o++] = to8(rgba[4 * p]);
    if (!gray) {
      data[o++] = to8(rgba[4 * p + 1]);
      data[o++] = to8(rgba[4 * p + 2]);
    }
    if (alpha) data[o++] = to8(rgba[4 * p + 3]);
  }
  return { data, height, width, channels };
}

function hasPaletteAlpha(rgba: ArrayLike<number>): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return true;
  return false;
}

/** Height, width and component count from a JPEG's start-of-frame segment, or null if there is none. */
function jpegFrame(bytes: Uint8Array): { height: number; width: number; components: number } | null {
  for (let pos = 2; pos + 4 <= bytes.length; ) {
    if (bytes[pos] !== 0xff) return null;
    const marker = bytes[pos + 1];
    if (marker === 0xff) {
      pos++;
      continue;
    }
    const length = (bytes[pos + 2] << 8) | bytes[pos + 3];
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame && pos + 10 <= bytes.length) {
      return {
        height: (bytes[pos + 5] << 8) | bytes[pos + 6],
        width: (bytes[pos + 7] << 8) | bytes[pos + 8],
        components: bytes[pos + 9],
      };
    }
    pos += 2 + length;
  }
  return null;
}

function decodeJpeg(bytes: Uint8Array): Image {
  const frame = jpegFrame(bytes);
  if (frame === null) throw new ValueError('no JPEG frame header (truncated or corrupt file)');
  if (frame.components !== 1 && frame.components !== 3) {
    throw new ValueError(
      `JPEG images with ${frame.components} components (CMYK) are not supported; convert the file to RGB`,
    );
  }
  const pixels = frame.height * frame.width;
  if (pixels > MAX_PIXELS) {
    throw new ValueError(
      `Image size (${pixels} pixels) exceeds limit of ${MAX_PIXELS} pixels, could be decompression bomb DOS attack.`,
    );
  }
  let rgba: ReturnType<typeof decodeJpegTurbo>;
  try {
    rgba = decodeJpegTurbo(bytes);
  } catch {
    throw new ValueError('corrupt or truncated JPEG data');
  }
  const data = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    data[3 * p] = rgba.data[4 * p];
    data[3 * p + 1] = rgba.data[4 * p + 1];
    data[3 * p + 2] = rgba.data[4 * p + 2];
  }
  return { data, height: rgba.height, width: rgba.width, channels: 3 };
}

/** Pillow's convert('RGB'): gray is repeated over the three channels, alpha is dropped. */
export function toRGB(img: Image): Image {
  if (img.channels === 3) return img;
  if (img.channels < 1 || img.channels > 4) throw new ValueError(`an image has 1 to 4 channels, got ${img.channels}`);
  const n = img.height * img.width;
  const out = new Uint8Array(n * 3);
  const c = img.channels;
  for (let p = 0; p < n; p++) {
    const s = p * c;
    if (c <= 2) out.fill(img.data[s], 3 * p, 3 * p + 3);
    else out.set(img.data.subarray(s, s + 3), 3 * p);
  }
  return { data: out, height: img.height, width: img.width, channels: 3 };
}

/** torchvision's default image loader: the file at `path` as an 8-bit RGB image. */
export function loadImage(path: string): Image {
  return toRGB(decodeImage(readBytes(path), path));
}

/** An 8-bit gray, gray + alpha, RGB or RGBA image as PNG bytes. */
export function encodePng(img: Image): Uint8Array {
  const { width, height, channels } = img;
  if (img.data.length !== width * height * channels) {
    throw new ValueError(
      `image data has ${img.data.length} values, but ${height}x${width}x${channels} needs ${width * height * channels}`,
    );
  }
  const colorType = ([0, 0, 4, 2, 6] as const)[channels];
  if (colorType === undefined) throw new ValueError(`an image has 1 to 4 channels, got ${channels}`);
  const png = new PNG({
    width,
    height,
    colorType,
    inputColorType: colorType,
    inputHasAlpha: channels === 2 || channels === 4,
  });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  const out = PNG.sync.write(png, {
    colorType,
    inputColorType: colorType,
    inputHasAlpha: channels === 2 || channels === 4,
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Writes an image as a PNG file. */
export function writePng(path: string, img: Image): void {
  writeFileSync(path, encodePng(img));
}

/**
 * torchvision.utils.save_image: `makeGrid(tensor, options)` of values in [0, 1], written as an 8-bit PNG file.
 */
export function saveImage(
  tensor: torch.Tensor | readonly torch.Tensor[],
  path: string,
  options: MakeGridOptions = {},
): void {
  if (!path.toLowerCase().endsWith('.png'))
    throw new ValueError(`saveImage writes PNG files; got '${path}' (name it .png)`);
  writePng(path, gridToImage(makeGrid(tensor, options)));
}
