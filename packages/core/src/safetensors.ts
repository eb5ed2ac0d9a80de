/**
 * The safetensors file format, byte for byte, with no dependency on Node.
 *
 * Layout: an 8-byte little-endian u64 N, then N bytes of UTF-8 JSON (padded with spaces to a multiple of 8),
 * then the raw little-endian tensor data. The JSON maps each tensor name to
 * `{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}` (offsets relative to the start of the
 * data) and may hold `"__metadata__": {string: string}`.
 *
 * Writing keeps the caller's order of names (the reference writer sorts by dtype alignment, then name);
 * reading accepts any order, as long as the tensors tile the data exactly, without gaps or overlaps.
 */

import { type DType, ITEM_SIZE } from './dtype.js';

/** A tensor as stored in a file: dtype, shape and contiguous row-major data in Kindling's storage types. */
export interface RawTensor {
  dtype: DType;
  shape: number[];
  /** float32: Float32Array; float64 and int64 (exact integers): Float64Array; int32: Int32Array; bool: Uint8Array of 0/1. */
  data: Float32Array | Float64Array | Int32Array | Uint8Array;
}

/** Raised for malformed files and for tensors that cannot be written; mirrors Python's `SafetensorError`. */
export class SafetensorError extends Error {
  override name = 'SafetensorError';
}

const FILE_DTYPE: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', int64: 'I64', bool: 'BOOL' };

const FROM_FILE_DTYPE: Readonly<Record<string, DType>> = {
  F32: 'float32',
  F64: 'float64',
  I32: 'int32',
  I64: 'int64',
  BOOL: 'bool',
};

/** Dtypes the format defines that Kindling has no storage for. */
const OTHER_FILE_DTYPES = new Set([
  'U8',
  'I8',
  'I16',
  'U16',
  'U32',
  'U64',
  'F16',
  'BF16',
  'C64',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F6_E2M3',
  'F6_E3M2',
  'F4',
]);

/** The reference reader refuses headers above 100 MB. */
const MAX_HEADER_SIZE = 100_000_000;

const METADATA_KEY = '__metadata__';

const TWO_POW_63 = 2 ** 63;
const I64_EXACT_LIMIT = 2n ** 53n;

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The UTF-8 codecs every browser and Node provide, typed locally so no DOM or Node typings are needed. */
interface Utf8Globals {
  TextEncoder: new () => { encode(input: string): Uint8Array };
  TextDecoder: new (label: string, options: { fatal: boolean }) => { decode(input: Uint8Array): string };
}
const utf8 = globalThis as unknown as Utf8Globals;

function quote(name: string): string {
  return `'${name}'`;
}

function storageName(dtype: DType): string {
  switch (dtype) {
    case 'float32':
      return 'Float32Array';
    case 'float64':
    case 'int64':
      return 'Float64Array';
    case 'int32':
      return 'Int32Array';
    case 'bool':
      return 'Uint8Array';
  }
}

function hasStorageType(dtype: DType, data: unknown): boolean {
  switch (dtype) {
    case 'float32':
      return data instanceof Float32Array;
    case 'float64':
    case 'int64':
      return data instanceof Float64Array;
    case 'int32':
      return data instanceof Int32Array;
    case 'bool':
      return data instanceof Uint8Array;
  }
}

function isShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
}

/** The element count of a valid shape, or Infinity when it does not fit a safe integer. */
function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return Number.isSafeInteger(n) ? n : Infinity;
}

function shapeText(shape: unknown): string {
  return JSON.stringify(shape) ?? String(shape);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own enumerable property, so a name such as `__proto__` stays a key and never touches the prototype. */
export function defineEntry<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function checkMetadata(metadata: unknown, where: string): Record<string, string> {
  if (!isPlainRecord(metadata))
    throw new SafetensorError(`${where} must be an object of strings, got ${describe(metadata)}`);
  const out: Record<string, string> = {};
  for (const key of Object.keys(metadata)) {
    const value = metadata[key];
    if (typeof value !== 'string') {
      throw new SafetensorError(`${where} must map strings to strings, but key ${quote(key)} holds ${describe(value)}`);
    }
    defineEntry(out, key, value);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------

interface WritePlan {
  name: string;
  tensor: RawTensor;
  begin: number;
  nbytes: number;
}

function checkTensorForWrite(name: string, tensor: RawTensor): number {
  if (name === METADATA_KEY)
    throw new SafetensorError(`a tensor may not be named ${quote(METADATA_KEY)}: the format reserves that key`);
  if (!isPlainRecord(tensor))
    throw new SafetensorError(`tensor ${quote(name)} must be a { dtype, shape, data } object`);
  const { dtype, shape, data } = tensor;
  if (!Object.prototype.hasOwnProperty.call(FILE_DTYPE, dtype)) {
    throw new SafetensorError(`tensor ${quote(name)} has unknown dtype ${quote(String(dtype))}`);
  }
  if (!isShape(shape)) {
    throw new SafetensorError(
      `tensor ${quote(name)} has an invalid shape ${shapeText(shape)}: expected a list of non-negative integers`,
    );
  }
  if (!hasStorageType(dtype, data)) {
    const got = typeof data === 'object' && data !== null ? data.constructor.name : describe(data);
    throw new SafetensorError(
      `tensor ${quote(name)} of dtype ${dtype} needs its data in a ${storageName(dtype)}, got ${got}`,
    );
  }
  const numel = numelOf(shape);
  if (data.length !== numel) {
    throw new SafetensorError(
      `tensor ${quote(name)} has shape ${shapeText(shape)} (${numel} elements) but ${data.length} data elements`,
    );
  }
  if (dtype === 'int64') {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!Number.isInteger(v) || v < -TWO_POW_63 || v >= TWO_POW_63) {
        throw new SafetensorError(
          `cannot write tensor ${quote(name)} as I64: element ${i} is ${v}, which is not an integer in [-2^63, 2^63)`,
        );
      }
    }
  }
  return numel * ITEM_SIZE[dtype];
}

function writeData(out: Uint8Array, view: DataView, pos: number, tensor: RawTensor): void {
  const { dtype, data } = tensor;
  switch (dtype) {
    case 'bool':
      for (let i = 0; i < data.length; i++) out[pos + i] = data[i] !== 0 ? 1 : 0;
      return;
    case 'int64':
      for (let i = 0; i < data.length; i++) view.setBigInt64(pos + 8 * i, BigInt(data[i]), true);
      return;
    default:
      if (HOST_IS_LITTLE_ENDIAN) {
        out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pos);
      } else if (dtype === 'float32') {
        for (let i = 0; i < data.length; i++) view.setFloat32(pos + 4 * i, data[i], true);
      } else if (dtype === 'float64') {
        for (let i = 0; i < data.length; i++) view.setFloat64(pos + 8 * i, data[i], true);
      } else {
        for (let i = 0; i < data.length; i++) view.setInt32(pos + 4 * i, data[i], true);
      }
  }
}

/**
 * Serializes tensors to safetensors bytes. Names keep the order of `Object.keys(tensors)` in both the header
 * and the data. int64 values must be exact integers in [-2^63, 2^63). `metadata`, when given, is written as
 * `__metadata__` (first, as the reference writer does).
 */
export function encodeSafetensors(tensors: Record<string, RawTensor>, metadata?: Record<string, string>): Uint8Array {
  if (!isPlainRecord(tensors))
    throw new SafetensorError(`tensors must be an object mapping names to tensors, got ${describe(tensors)}`);
  const entries: string[] = [];
  if (metadata !== undefined)
    entries.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(checkMetadata(metadata, 'metadata'))}`);

  const plans: WritePlan[] = [];
  let offset = 0;
  for (const name of Object.keys(tensors)) {
    const tensor = tensors[name];
    const nbytes = checkTensorForWrite(name, tensor);
    plans.push({ name, tensor, begin: offset, nbytes });
    const info = `{"dtype":"${FILE_DTYPE[tensor.dtype]}","shape":[${tensor.shape.join(',')}],"data_offsets":[${offset},${offset + nbytes}]}`;
    entries.push(`${JSON.stringify(name)}:${info}`);
    offset += nbytes;
  }

  const json = new utf8.TextEncoder().encode(`{${entries.join(',')}}`);
  const headerSize = json.length + ((8 - (json.length % 8)) % 8);
  const dataStart = 8 + headerSize;
  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerSize), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, dataStart);
  for (const plan of plans) writeData(out, view, dataStart + plan.begin, plan.tensor);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------

interface TensorEntry {
  name: string;
  dtype: DType;
  shape: number[];
  numel: number;
  begin: number;
  end: number;
}

function parseEntry(name: string, value: unknown, dataLength: number): TensorEntry {
  if (!isPlainRecord(value))
    throw new SafetensorError(`header entry for tensor ${quote(name)} must be an object, got ${describe(value)}`);
  const { dtype: fileDType, shape, data_offsets: offsets } = value;
  if (typeof fileDType !== 'string') {
    throw new SafetensorError(`tensor ${quote(name)} has no dtype string in the header (got ${describe(fileDType)})`);
  }
  const dtype = Object.prototype.hasOwnProperty.call(FROM_FILE_DTYPE, fileDType)
    ? FROM_FILE_DTYPE[fileDType]
    : undefined;
  if (dtype === undefined) {
    if (OTHER_FILE_DTYPES.has(fileDType)) {
      throw new SafetensorError(
        `unsupported safetensors dtype ${quote(fileDType)} for tensor ${quote(name)} (Kindling reads F32, F64, I32, I64 and BOOL)`,
      );
    }
    throw new SafetensorError(`unknown safetensors dtype ${quote(fileDType)} for tensor ${quote(name)}`);
  }
  if (!isShape(shape)) {
    throw new SafetensorError(
      `tensor ${quote(name)} has an invalid shape ${shapeText(shape)}: expected a list of non-negative integers`,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)
  ) {
    throw new SafetensorError(
      `tensor ${quote(name)} has invalid data_offsets ${shapeText(offsets)}: expected [begin, end] with non-negative integers`,
    );
  }
  const [begin, end] = offsets as number[];
  if (end < begin)
    throw new SafetensorError(
      `invalid offsets for tensor ${quote(name)}: data_offsets [${begin}, ${end}] end before they begin`,
    );
  if (end > dataLength) {
    throw new SafetensorError(
      `data_offsets [${begin}, ${end}] of tensor ${quote(name)} are out of range: the file holds ${dataLength} bytes of tensor data`,
    );
  }
  const numel = numelOf(shape);
  const expected = numel * ITEM_SIZE[dtype];
  if (end - begin !== expected) {
    throw new SafetensorError(
      `tensor ${quote(name)}: data_offsets [${begin}, ${end}] span ${end - begin} bytes, but shape ${shapeText(shape)} ` +
        `of ${fileDType} needs ${expected} bytes`,
    );
  }
  return { name, dtype, shape: shape.slice(), numel, begin, end };
}

/** Checks that the tensors tile the data region exactly, as the reference reader requires. */
function checkTiling(entries: readonly TensorEntry[], dataLength: number): void {
  const sorted = entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  for (const entry of sorted) {
    if (entry.begin !== position) {
      const problem =
        entry.begin > position
          ? `a gap of ${entry.begin - position} bytes`
          : `an overlap of ${position - entry.begin} bytes`;
      throw new SafetensorError(
        `invalid offsets for tensor ${quote(entry.name)}: its data starts at byte ${entry.begin} but the data before it ends at ` +
          `byte ${position} (${problem}); tensors must cover the data contiguously`,
      );
    }
    position = entry.end;
  }
  if (position !== dataLength) {
    throw new SafetensorError(
      `invalid offsets: the tensors cover ${position} bytes of data but the file holds ${dataLength} (${dataLength - position} trailing bytes)`,
    );
  }
}

function readData(bytes: Uint8Array, view: DataView, pos: number, entry: TensorEntry): RawTensor['data'] {
  const { dtype, numel, name } = entry;
  switch (dtype) {
    case 'bool': {
      const out = new Uint8Array(numel);
      for (let i = 0; i < numel; i++) out[i] = bytes[pos + i] !== 0 ? 1 : 0;
      return out;
    }
    case 'int64': {
      const out = new Float64Array(numel);
      for (let i = 0; i < numel; i++) {
        const v = view.getBigInt64(pos + 8 * i, true);
        if (v > I64_EXACT_LIMIT || v < -I64_EXACT_LIMIT) {
          throw new SafetensorError(
            `cannot read I64 tensor ${quote(name)}: element ${i} is ${v}, beyond 2^53 in magnitude, so it cannot be represented ` +
              `exactly (Kindling keeps int64 as exact integers in a Float64Array)`,
          );
        }
        out[i] = Number(v);
      }
      return out;
    }
    default: {
      if (HOST_IS_LITTLE_ENDIAN) {
        // A fresh, exactly sized buffer: aligned for the element type and sharing nothing with `bytes`.
        const copy = new Uint8Array(numel * ITEM_SIZE[dtype]);
        copy.set(bytes.subarray(pos, pos + copy.length));
        if (dtype === 'float32') return new Float32Array(copy.buffer);
        if (dtype === 'float64') return new Float64Array(copy.buffer);
        return new Int32Array(copy.buffer);
      }
      if (dtype === 'float32') {
        const out = new Float32Array(numel);
        for (let i = 0; i < numel; i++) out[i] = view.getFloat32(pos + 4 * i, true);
        return out;
      }
      if (dtype === 'float64') {
        const out = new Float64Array(numel);
        for (let i = 0; i < numel; i++) out[i] = view.getFloat64(pos + 8 * i, true);
        return out;
      }
      const out = new Int32Array(numel);
      for (let i = 0; i < numel; i++) out[i] = view.getInt32(pos + 4 * i, true);
      return out;
    }
  }
}

/**
 * Parses safetensors bytes (any `Uint8Array` view, at any byte offset). The whole file is validated before
 * anything is returned; the tensors' data are fresh copies that never alias `bytes`. Tensors come back in
 * header order; a missing `__metadata__` gives `{}`.
 */
export function decodeSafetensors(bytes: Uint8Array): {
  tensors: Record<string, RawTensor>;
  metadata: Record<string, string>;
} {
  if (!(bytes instanceof Uint8Array))
    throw new SafetensorError(`expected the file's bytes in a Uint8Array, got ${describe(bytes)}`);
  if (bytes.length < 8) {
    throw new SafetensorError(
      `file is too short to be safetensors: ${bytes.length} bytes, but the header length alone takes 8`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_SIZE)) {
    throw new SafetensorError(
      `header length ${declared} is too large (the format allows at most ${MAX_HEADER_SIZE} bytes)`,
    );
  }
  const headerSize = Number(declared);
  if (8 + headerSize > bytes.length) {
    throw new SafetensorError(
      `header length ${headerSize} runs past the end of the file (${bytes.length} bytes, so at most ${bytes.length - 8} for the header)`,
    );
  }

  let text: string;
  try {
    text = new utf8.TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerSize));
  } catch {
    throw new SafetensorError('header is not valid UTF-8');
  }
  if (!text.startsWith('{'))
    throw new SafetensorError("header is not valid JSON: it must be an object starting with '{'");
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new SafetensorError(`header is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isPlainRecord(header))
    throw new SafetensorError(`header is not valid JSON: expected an object, got ${describe(header)}`);

  const dataStart = 8 + headerSize;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const name of Object.keys(header)) {
    const value = header[name];
    if (name === METADATA_KEY) {
      if (value !== null) metadata = checkMetadata(value, METADATA_KEY);
    } else {
      entries.push(parseEntry(name, value, dataLength));
    }
  }
  checkTiling(entries, dataLength);

  const tensors: Record<string, RawTensor> = {};
  for (const entry of entries) {
    const data = readData(bytes, view, dataStart + entry.begin, entry);
    defineEntry(tensors, entry.name, { dtype: entry.dtype, shape: entry.shape, data });
  }
  return { tensors, metadata };
}
