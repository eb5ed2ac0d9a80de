/** Writing safetensors: `encodeSafetensors`, the tensors in the caller's order after a checked header. */
import { ITEM_SIZE, allocate } from './dtype.js';
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
  checkShape,
  FILE_DTYPE,
} from './safetensors-format.js';

const TWO_POW_63 = 2 ** 63;

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
  checkShape(name, shape);
  // The array type Kindling keeps `dtype` in, as its tensors allocate it.
  const storageType = allocate(dtype, 0).constructor;
  if (!(data instanceof storageType)) {
    const got = typeof data === 'object' && data !== null ? data.constructor.name : describe(data);
    throw new SafetensorError(
      `tensor ${quote(name)} of dtype ${dtype} needs its data in a ${storageType.name}, got ${got}`,
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
