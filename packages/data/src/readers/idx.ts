/**
 * The IDX format of the MNIST family (LeCun's "idx3-ubyte" files): a 4-byte magic number — two zero bytes,
 * a type code, the number of dimensions — then each dimension as a big-endian uint32, then the values,
 * big-endian, row-major. Parsing works on bytes in memory, so it runs anywhere; file access is in node-io.ts.
 */
import { RuntimeError } from '../errors.js';

export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export interface IdxTensor {
  /** The magic number, e.g. 0x00000803 (2051) for 3-D uint8 images. */
  magic: number;
  type: IdxType;
  shape: number[];
  /** The values (for uint8 data, a view of the input bytes). */
  data: IdxArray;
}

interface IdxTypeInfo {
  type: IdxType;
  /** Bytes per value. */
  size: number;
  /** The array the values are read into. */
  array: new (n: number) => IdxArray;
  /** Reads and writes one big-endian value. */
  get: (view: DataView, offset: number) => number;
  set: (view: DataView, offset: number, value: number) => void;
}

/** The name of DataView's `get`/`set` pair for a type. */
type ViewAccessor = 'Uint8' | 'Int8' | 'Int16' | 'Int32' | 'Float32' | 'Float64';

/** A type's entry: its values are read and written big-endian by DataView's `get${accessor}`/`set${accessor}`. */
function idxType(
  type: IdxType,
  array: (new (n: number) => IdxArray) & { readonly BYTES_PER_ELEMENT: number },
  accessor: ViewAccessor,
): IdxTypeInfo {
  return {
    type,
    size: array.BYTES_PER_ELEMENT,
    array,
    get: (view, offset) => view[`get${accessor}`](offset, false),
    set: (view, offset, value) => view[`set${accessor}`](offset, value, false),
  };
}

/** The IDX type codes. */
const TYPES: Record<number, IdxTypeInfo> = {
  0x08: idxType('uint8', Uint8Array, 'Uint8'),
  0x09: idxType('int8', Int8Array, 'Int8'),
  0x0b: idxType('int16', Int16Array, 'Int16'),
  0x0c: idxType('int32', Int32Array, 'Int32'),
  0x0d: idxType('float32', Float32Array, 'Float32'),
  0x0e: idxType('float64', Float64Array, 'Float64'),
};

export function hex32(x: number): string {
  return `0x${(x >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * The whole file's size as the IDX header at the start of `head` announces it, or null when `head` is too short
 * or not IDX (parseIdx then says what is wrong): what a gzipped IDX file may decompress to, at most.
 */
export function idxFileSize(head: Uint8Array): number | null {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0 || TYPES[head[2]] === undefined || head[3] === 0) return null;
  const headerSize = 4 + 4 * head[3];
  if (head.length < headerSize) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let count = 1;
  for (let d = 0; d < head[3]; d++) count *= view.getUint32(4 + 4 * d, false);
  return headerSize + count * TYPES[head[2]].size;
}

/** Parses a whole IDX file. Anything but a complete, well-formed file throws, naming `source`. */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxTensor {
  if (bytes.length < 4)
    throw new RuntimeError(
      `${source}: truncated IDX file (${bytes.length} bytes, no room for the 4-byte magic number)`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const entry = TYPES[bytes[2]];
  const nd = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || entry === undefined || nd === 0) {
    throw new RuntimeError(
      `${source}: wrong magic number ${hex32(magic)}: not an IDX file (expected 0x0000TTDD with type TT in 08/09/0b/0c/0d/0e and DD dimensions)`,
    );
  }
  const headerSize = 4 + 4 * nd;
  if (bytes.length < headerSize) {
    throw new RuntimeError(
      `${source}: truncated IDX file (${bytes.length} bytes, the header of ${nd} dimensions needs ${headerSize})`,
    );
  }
  const shape: number[] = [];
  for (let d = 0; d < nd; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * entry.size;
  const actual = bytes.length - headerSize;
  if (actual < expected) {
    throw new RuntimeError(
      `${source}: truncated IDX file: the header promises ${shape.join('x')} ${entry.type} values (${expected} bytes) but only ${actual} bytes follow`,
    );
  }
  if (actual > expected) {
    throw new RuntimeError(
      `${source}: malformed IDX file: ${actual - expected} unexpected bytes after the ${shape.join('x')} ${entry.type} values`,
    );
  }
  return { magic, type: entry.type, shape, data: readValues(bytes, view, headerSize, count, entry) };
}

function readValues(bytes: Uint8Array, view: DataView, offset: number, n: number, info: IdxTypeInfo): IdxArray {
  // One-byte values are views of the bytes; wider ones are big-endian and read one by one.
  if (info.type === 'uint8') return bytes.subarray(offset, offset + n);
  if (info.type === 'int8') return new Int8Array(bytes.buffer, bytes.byteOffset + offset, n);
  const out = new info.array(n);
  for (let i = 0; i < n; i++) out[i] = info.get(view, offset + info.size * i);
  return out;
}

/** Writes values as an IDX file (the inverse of parseIdx; used to make samples and test files). */
export function encodeIdx(data: IdxArray, shape: readonly number[], type: IdxType = 'uint8'): Uint8Array {
  const code = Number(Object.keys(TYPES).find((k) => TYPES[Number(k)].type === type));
  const { size, set } = TYPES[code];
  const headerSize = 4 + 4 * shape.length;
  const out = new Uint8Array(headerSize + data.length * size);
  const view = new DataView(out.buffer);
  view.setUint32(0, (code << 8) | shape.length, false);
  shape.forEach((s, d) => view.setUint32(4 + 4 * d, s, false));
  for (let i = 0; i < data.length; i++) set(view, headerSize + i * size, data[i]);
  return out;
}
