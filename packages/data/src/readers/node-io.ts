/** File access for the readers (Node.js only): whole files, gunzipped when they are gzip data, and file lookup. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { RuntimeError } from '../errors.js';

/**
 * Prefixes of the compressed data inflated to find a format's header before the whole file is: longer ones only
 * when a shorter one did not reach the end of the header. Deflate inflates a byte to at most 1,032, so each
 * prefix stays within the output limit below.
 */
const HEAD_PREFIXES = [64, 256, 1024];
const HEAD_LIMIT = 2 << 20;

/** The size `sizeFromHead` reads from the first decompressed bytes of gzip data, or null. */
function announcedSize(gz: Uint8Array, sizeFromHead: (head: Uint8Array) => number | null): number | null {
  for (const n of HEAD_PREFIXES) {
    // A prefix flushed rather than finished inflates to the start of the file.
    const head = gunzipSync(gz.subarray(0, n), {
      finishFlush: zlibConstants.Z_SYNC_FLUSH,
      maxOutputLength: HEAD_LIMIT,
    });
    const size = sizeFromHead(head);
    if (size !== null || n >= gz.length) return size;
  }
  return null;
}

/**
 * The file's bytes; gzip data (by its magic bytes, whatever the name) is decompressed. `sizeFromHead` reads the
 * size a format's header announces from the first decompressed bytes: decompression stops there, so a small file
 * cannot inflate without bound (a "zip bomb"); without it, gzip data may inflate to at most `maxBytes`.
 */
export function readBytes(
  path: string,
  options: { sizeFromHead?: (head: Uint8Array) => number | null; maxBytes?: number } = {},
): Uint8Array {
  let buf: Uint8Array;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new RuntimeError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    let limit = options.maxBytes ?? 2 ** 31;
    try {
      if (options.sizeFromHead) limit = Math.min(limit, announcedSize(buf, options.sizeFromHead) ?? limit);
      buf = gunzipSync(buf, { maxOutputLength: Math.max(limit, 1) });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new RuntimeError(`${path}: the gzip data decompresses past the ${limit} bytes its header announces`, {
          cause: e,
        });
      }
      throw new RuntimeError(`${path}: truncated or corrupt gzip data (${(e as Error).message})`, { cause: e });
    }
  }
  // Node may hand out a slice of a shared pool: keep the byteOffset.
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** The first of `name`, `name.gz` found in `dirs`, or null. */
export function findFile(dirs: readonly string[], name: string): string | null {
  for (const dir of dirs) {
    for (const candidate of [join(dir, name), join(dir, `${name}.gz`)]) if (isFile(candidate)) return candidate;
  }
  return null;
}
