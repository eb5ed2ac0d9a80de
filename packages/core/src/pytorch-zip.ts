/**
 * The archive PyTorch's `torch.save` writes (since 1.6): a zip of uncompressed entries, `<name>/data.pkl` (a pickle
 * of the saved object) and one `<name>/data/<key>` file per storage (raw little-endian values). This reads the
 * entries; pytorch-pickle.ts interprets data.pkl.
 */
import { RuntimeError } from './errors.js';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

const EOCD = 0x06054b50;
const ZIP64_EOCD_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Whether the bytes start as a zip archive does. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The stored (uncompressed) entries of a zip archive, as views into `bytes`. */
export function readZip(bytes: Uint8Array, what: string): ZipEntry[] {
  try {
    return readEntries(bytes, what);
  } catch (e) {
    if (e instanceof RuntimeError) throw e;
    // A field pointing past the end of the file (a DataView RangeError): a corrupt or truncated archive.
    throw new RuntimeError(
      `${what}: not a readable PyTorch archive (a corrupt or truncated file: ${(e as Error).message})`,
    );
  }
}

function readEntries(bytes: Uint8Array, what: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new RuntimeError(`${what}: not a readable PyTorch archive (${why})`);
  };
  let eocd = -1;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 65535); p--) {
    if (view.getUint32(p, true) === EOCD) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) fail('no end-of-central-directory record: the file is truncated');
  let count = view.getUint16(eocd + 10, true);
  let dirOffset = view.getUint32(eocd + 16, true);
  if (
    (count === 0xffff || dirOffset === 0xffffffff) &&
    eocd >= 20 &&
    view.getUint32(eocd - 20, true) === ZIP64_EOCD_LOCATOR
  ) {
    const z64 = Number(view.getBigUint64(eocd - 12, true));
    if (z64 + 56 > bytes.length || view.getUint32(z64, true) !== ZIP64_EOCD) fail('a broken zip64 record');
    count = Number(view.getBigUint64(z64 + 32, true));
    dirOffset = Number(view.getBigUint64(z64 + 48, true));
  }
  const entries: ZipEntry[] = [];
  let p = dirOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL) fail('a broken central directory');
    const method = view.getUint16(p + 10, true);
    let size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    let local = view.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength));
    // zip64 sizes and offsets live in the extra field (id 1) when the 32-bit fields are saturated.
    for (let e = p + 46 + nameLength; e + 4 <= p + 46 + nameLength + extraLength; ) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 1) {
        let q = e + 4;
        if (view.getUint32(p + 20, true) === 0xffffffff) q += 8;
        if (size === 0xffffffff) {
          size = Number(view.getBigUint64(q, true));
          q += 8;
        }
        if (local === 0xffffffff) local = Number(view.getBigUint64(q, true));
      }
      e += 4 + len;
    }
    if (method !== 0) fail(`entry '${name}' is compressed (method ${method}); torch.save writes stored entries`);
    if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL) fail(`entry '${name}' has no local header`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + size > bytes.length) fail(`entry '${name}' runs past the end of the file: the file is truncated`);
    entries.push({ name, data: bytes.subarray(start, start + size) });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
