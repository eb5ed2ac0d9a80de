/** Reading safetensors: `decodeSafetensors`, every header entry checked before any data is read. */
import { type DType, ITEM_SIZE } from './dtype.js';
import {
  type RawTensor,
  SafetensorError,
  METADATA_KEY,
  HOST_IS_LITTLE_ENDIAN,
  utf8,
  quote,
  numelOf,
  shapeText,
  describe,
  isPlainRecord,
  checkMetadata,
  defineEntry,
  checkShape,
  dtypeOfFileDType,
} from './safetensors-format.js';

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

const I64_EXACT_LIMIT = 2n ** 53n;

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
  const dtype = dtypeOfFileDType(fileDType);
  if (dtype === undefined) {
    if (OTHER_FILE_DTYPES.has(fileDType)) {
      throw new SafetensorError(
        `unsupported safetensors dtype ${quote(fileDType)} for tensor ${quote(name)} (Kindling reads F32, F64, I32, I64 and BOOL)`,
      );
    }
    throw new SafetensorError(`unknown safetensors dtype ${quote(fileDType)} for tensor ${quote(name)}`);
  }
  checkShape(name, shape);
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
