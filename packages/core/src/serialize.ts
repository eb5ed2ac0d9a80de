/**
 * Tensors to and from the safetensors format: `serialize`/`deserialize` on bytes, `save`/`load` on file paths
 * (Node only; the file system is reached only when they are called, so the core still loads in a browser).
 */
import { RuntimeError } from './errors.js';
import { defineEntry, type RawTensor } from './safetensors-format.js';
import { decodeSafetensors } from './safetensors-read.js';
import { encodeSafetensors } from './safetensors-write.js';
import { readFileBytes, writeFileBytesAtomic } from './node-fs.js';
import { Tensor } from './tensor.js';
import { loadPytorchArchive } from './pytorch-pickle.js';
import { isZip } from './pytorch-zip.js';

export function serialize(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const raw: Record<string, RawTensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (!(t instanceof Tensor)) throw new RuntimeError(`serialize: value for '${name}' is not a Tensor`);
    defineEntry(raw, name, { dtype: t.dtype, shape: t.shape, data: t.toArray() });
  }
  return encodeSafetensors(raw, metadata);
}

/**
 * Tensors from safetensors bytes, or from a checkpoint PyTorch's `torch.save` wrote (its zip format: a state dict
 * of float32, float64, int64, int32 or bool tensors; nested dicts get dotted keys).
 */
export function deserialize(bytes: Uint8Array, what = 'torch.load'): Record<string, Tensor> {
  if (isZip(bytes)) return loadPytorchArchive(bytes, what);
  if (bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) {
    throw new RuntimeError(
      `${what}: a checkpoint in PyTorch's legacy format (a bare pickle, torch.save(..., _use_new_zipfile_serialization=False) or PyTorch < 1.6): load and save it again with PyTorch >= 1.6's default torch.save`,
    );
  }
  const { tensors } = decodeSafetensors(bytes);
  const out: Record<string, Tensor> = {};
  for (const [name, r] of Object.entries(tensors)) defineEntry(out, name, new Tensor(r.data, [...r.shape], r.dtype));
  return out;
}

/** The `__metadata__` strings of safetensors bytes (`{}` when there are none), for formats that keep more than tensors. */
export function deserializeMetadata(bytes: Uint8Array): Record<string, string> {
  return decodeSafetensors(bytes).metadata;
}

/** `torch.save(stateDict, path)`: written to a temporary file and renamed, so a failure leaves no half file. */
export function save(tensors: Record<string, Tensor>, path: string, metadata?: Record<string, string>): void {
  writeFileBytesAtomic(path, serialize(tensors, metadata));
}

/** `torch.load(path)`: a safetensors file, or a state dict PyTorch saved (`.pt` / `.pth`). */
export function load(path: string): Record<string, Tensor> {
  return deserialize(readFileBytes(path), path);
}

/** The safetensors metadata of a file; a PyTorch checkpoint has none (`{}`). */
export function loadMetadata(path: string): Record<string, string> {
  const bytes = readFileBytes(path);
  return isZip(bytes) ? {} : decodeSafetensors(bytes).metadata;
}
