/**
 * Netpbm images (PBM, PGM, PPM; binary P4/P5/P6 and plain P1/P2/P3) decoded as Pillow 9.4 reads them: samples
 * scaled from `maxval` to 8 bits with Python's round, bitmaps with 1 as black. A 16-bit graymap (maxval > 255)
 * comes out clipped at 255, which is what Pillow's conversion of its 32-bit "I" image to 8 bits gives.
 */
import * as torch from '@kindling/core';
import { ValueError } from '../errors.js';
import type { Image } from '../image.js';

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
const MAX_TOKEN = 10;

/** Reads the whitespace-separated header tokens and plain-format samples, skipping `#` comments. */
class Tokens {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  /** Moves past whitespace and `#` comments (to the end of their line). */
  skipSpace(): void {
    const b = this.bytes;
    for (;;) {
      while (this.pos < b.length && WHITESPACE.has(b[this.pos])) this.pos++;
      if (b[this.pos] !== 0x23) return;
      while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
    }
  }

  next(what: string): number {
    const b = this.bytes;
    this.skipSpace();
    const start = this.pos;
    while (this.pos < b.length && !WHITESPACE.has(b[this.pos]) && b[this.pos] !== 0x23) this.pos++;
    const token = String.fromCharCode(...b.subarray(start, Math.min(this.pos, start + MAX_TOKEN + 1)));
    if (token.length === 0) throw new ValueError(`netpbm image is truncated: expected ${what}`);
    if (!/^\d+$/.test(token) || token.length > MAX_TOKEN)
      throw new ValueError(`netpbm image has a bad ${what}: '${token}'`);
    return Number(token);
  }

  /** Moves past the single whitespace byte that ends the header of a binary format. */
  endHeader(): number {
    return this.pos + 1;
  }
}

export function isNetpbm(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] >= 0x31 && bytes[1] <= 0x36;
}

/** Decodes a netpbm file into an 8-bit grayscale (1 channel) or RGB (3 channels) image. */
export function decodeNetpbm(bytes: Uint8Array): Image {
  if (!isNetpbm(bytes)) throw new ValueError('not a PPM file');
  const kind = bytes[1] - 0x30;
  const plain = kind <= 3;
  const bitmap = kind === 1 || kind === 4;
  const channels = kind === 3 || kind === 6 ? 3 : 1;
  const tokens = new Tokens(bytes);
  tokens.pos = 2;
  const width = tokens.next('width');
  const height = tokens.next('height');
  const maxval = bitmap ? 1 : tokens.next('maxval');
  if (!(maxval > 0 && maxval < 65536)) throw new ValueError('maxval must be greater than 0 and less than 65536');
  const count = width * height * channels;
  const data = new Uint8Array(count);
  // Pillow reads a 16-bit graymap into a 32-bit image of 0..65535, then clips it to 8 bits.
  const sixteenBitGray = channels === 1 && maxval > 255;
  const outMax = sixteenBitGray ? 65535 : 255;
  const scale = (v: number): number => {
    if (v > maxval) throw new ValueError(`Channel value too large for this mode: ${v}`);
    const scaled = maxval === outMax ? v : Math.min(outMax, torch.compat.pyRound((v / maxval) * outMax));
    return Math.min(scaled, 255);
  };
  if (plain && bitmap) {
    // Plain PBM samples are single digits; the whitespace between them is optional.
    for (let i = 0; i < count; i++) {
      tokens.skipSpace();
      if (tokens.pos >= bytes.length) throw new ValueError(`image file is truncated (${count - i} pixels missing)`);
      const c = bytes[tokens.pos++];
      if (c !== 0x30 && c !== 0x31) throw new ValueError(`Invalid token for this mode: ${String.fromCharCode(c)}`);
      data[i] = c === 0x31 ? 0 : 255;
    }
  } else if (plain) {
    for (let i = 0; i < count; i++) data[i] = scale(tokens.next('sample'));
  } else if (bitmap) {
    const start = tokens.endHeader();
    const rowBytes = Math.ceil(width / 8);
    if (bytes.length < start + rowBytes * height)
      throw new ValueError(`image file is truncated (${start + rowBytes * height - bytes.length} bytes not processed)`);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = (bytes[start + y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
        data[y * width + x] = bit === 1 ? 0 : 255;
      }
    }
  } else {
    const start = tokens.endHeader();
    const wide = maxval > 255;
    const need = count * (wide ? 2 : 1);
    if (bytes.length < start + need)
      throw new ValueError(`image file is truncated (${start + need - bytes.length} bytes not processed)`);
    for (let i = 0; i < count; i++)
      data[i] = scale(wide ? (bytes[start + 2 * i] << 8) | bytes[start + 2 * i + 1] : bytes[start + i]);
  }
  return { data, height, width, channels };
}
