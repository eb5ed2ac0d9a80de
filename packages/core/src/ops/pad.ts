/**
 * Padding by reflection, replication or wrapping around (`F.pad`'s modes other than 'constant'): the last 1, 2 or 3
 * dims of a batched or unbatched input, each output element read from one input element. The backward adds each
 * output gradient back to the element it was read from. Nodes are PyTorch's: `ReflectionPad2DBackward0`,
 * `ReplicationPad1DBackward0`, ...; circular padding, which PyTorch 1.13 composes of slice copies, shows its
 * `CopySlices`.
 */
import { NotImplementedError, RuntimeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { empty, recordLinearMap } from './util.js';

/** The modes this file pads with. */
export type PadMode = 'reflect' | 'replicate' | 'circular';

/** Where output index o of a dim of `size` padded by `before` reads, by mode. */
function sourceIndex(mode: PadMode, o: number, before: number, size: number): number {
  const i = o - before;
  if (mode === 'replicate') return Math.min(Math.max(i, 0), size - 1);
  if (mode === 'circular') return ((i % size) + size) % size;
  const mirrored = i < 0 ? -i : i;
  return mirrored >= size ? 2 * (size - 1) - mirrored : mirrored;
}

/** For each element of the padded block of the last dims (row-major), the offset it reads in the input's block. */
function blockSources(mode: PadMode, inSizes: number[], pads: [number, number][]): Int32Array {
  const outSizes = inSizes.map((s, d) => s + pads[d][0] + pads[d][1]);
  const total = outSizes.reduce((a, b) => a * b, 1);
  const map = new Int32Array(total);
  const inStrides = inSizes.map((_, d) => inSizes.slice(d + 1).reduce((a, b) => a * b, 1));
  const perDim = outSizes.map((n, d) =>
    Array.from({ length: n }, (_, o) => sourceIndex(mode, o, pads[d][0], inSizes[d])),
  );
  for (let j = 0; j < total; j++) {
    let rest = j;
    let offset = 0;
    for (let d = outSizes.length - 1; d >= 0; d--) {
      offset += perDim[d][rest % outSizes[d]] * inStrides[d];
      rest = Math.floor(rest / outSizes[d]);
    }
    map[j] = offset;
  }
  return map;
}

const NODE: Record<PadMode, string> = { reflect: 'ReflectionPad', replicate: 'ReplicationPad', circular: 'CopySlices' };

/**
 * `input` padded on its last `pad.length / 2` dims by `mode`; `pad` lists (before, after) pairs from the last dim,
 * as `F.pad` takes them.
 */
export function padNonConstant(input: Tensor, pad: readonly number[], mode: PadMode): Tensor {
  const k = pad.length / 2;
  if (!Number.isInteger(k) || k < 1 || k > 3 || (input.ndim !== k + 1 && input.ndim !== k + 2)) {
    throw new NotImplementedError('Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now');
  }
  const lead = input.ndim - k;
  const inSizes = input.shape.slice(lead);
  // pad pairs start from the last dim; pads[d] is for dim lead + d.
  const pads = inSizes.map((_, d): [number, number] => [pad[2 * (k - 1 - d)], pad[2 * (k - 1 - d) + 1]]);
  // Checked from the last dim, as PyTorch's kernels check (width, then height, then depth).
  for (let d = k - 1; d >= 0; d--) {
    const [before, after] = pads[d];
    const size = inSizes[d];
    if (mode === 'reflect' && (before >= size || after >= size)) {
      // PyTorch's 2-D kernel names the input by its rank, the 1-D and 3-D ones by its sizes.
      const described = k === 2 ? `${input.ndim}` : `[${input.shape.join(', ')}]`;
      throw new RuntimeError(
        `Argument #${4 + 2 * (k - 1 - d)}: Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${lead + d} of input ${described}`,
      );
    }
    if (mode === 'circular' && (before > size || after > size))
      throw new RuntimeError('Padding value causes wrapping around more than once.');
    if (before < 0 || after < 0) throw new RuntimeError(`negative padding is not supported for mode ${mode}`);
  }

  const map = blockSources(mode, inSizes, pads);
  const inBlock = inSizes.reduce((a, b) => a * b, 1);
  const outShape = [...input.shape.slice(0, lead), ...inSizes.map((s, d) => s + pads[d][0] + pads[d][1])];
  const planes = input.shape.slice(0, lead).reduce((a, b) => a * b, 1);
  const out = gather(input, map, planes, inBlock, outShape);
  const inShape = input.shape;
  const node = mode === 'circular' ? NODE.circular : `${NODE[mode]}${k}DBackward0`;
  return recordLinearMap(
    node,
    `${node.replace('Backward0', '')}BackwardBackward0`,
    input,
    out,
    (t) => gather(t, map, planes, inBlock, outShape),
    (g) => padBackward(g, inShape, map, planes, inBlock),
  );
}

/** The padded tensor of `outShape` read from `input` through the block map. */
function gather(input: Tensor, map: Int32Array, planes: number, inBlock: number, outShape: readonly number[]): Tensor {
  const src = input.contiguousArray();
  const y = empty([...outShape], input.dtype);
  const o = y._array;
  for (let p = 0, at = 0; p < planes; p++) for (let j = 0; j < map.length; j++) o[at++] = src[p * inBlock + map[j]];
  return y;
}

/** Each output gradient added back to the input element it was read from. */
function padBackward(g: Tensor, inShape: readonly number[], map: Int32Array, planes: number, inBlock: number): Tensor {
  const gs = g.contiguousArray();
  const gx = empty([...inShape], g.dtype);
  const o = gx._array;
  for (let p = 0, at = 0; p < planes; p++) for (let j = 0; j < map.length; j++) o[p * inBlock + map[j]] += gs[at++];
  return gx;
}
