/** File access for the readers (Node.js only): whole files, gunzipped when they are gzip data, and file lookup. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RuntimeError } from '../errors.js';

/** The file's bytes; gzip data (by its magic bytes, whatever the name) is decompressed. */
export function readBytes(path: string): Uint8Array {
  let buf: Uint8Array;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new RuntimeError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
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
