/**
 * The transforms between images and float tensors: `ToTensor` turns an image (or an HW/HWC array) into a CHW
 * tensor, `Normalize` standardises a tensor image channel by channel.
 */
import * as torch from '@kindling/core';
import { TorchTypeError, ValueError } from '../errors.js';
import { typeName } from '../dataset.js';
import { type Image, isImage } from '../image.js';

/** An HW or HWC array with its shape: the stand-in for a NumPy array given to ToTensor. */
export interface ArrayImage {
  data: Uint8Array | Float32Array | Float64Array;
  shape: readonly number[];
}

const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/**
 * HWC (or HW) data to a CHW tensor: 8-bit data becomes float32 in [0, 1] (value / 255, rounded as PyTorch's
 * float32 division rounds it); Float32Array/Float64Array data keeps its type and values, as torchvision does
 * for float ndarrays.
 */
export class ToTensor {
  forward(pic: Image | ArrayImage): torch.Tensor {
    let h: number;
    let w: number;
    let c: number;
    if (isImage(pic)) [h, w, c] = [pic.height, pic.width, pic.channels];
    else if (isArrayImage(pic)) {
      if (pic.shape.length !== 2 && pic.shape.length !== 3) {
        throw new ValueError(`pic should be 2/3 dimensional. Got ${pic.shape.length} dimensions.`);
      }
      [h, w, c] = [pic.shape[0], pic.shape[1], pic.shape[2] ?? 1];
    } else throw new TorchTypeError(`pic should be PIL Image or ndarray. Got ${typeName(pic)}`);
    const src = pic.data;
    if (src.length !== h * w * c)
      throw new ValueError(`image data has ${src.length} values, but ${h}x${w}x${c} needs ${h * w * c}`);
    const hw = h * w;
    const out =
      src instanceof Uint8Array
        ? new Float32Array(src.length)
        : new (src.constructor as Float32ArrayConstructor)(src.length);
    const table = src instanceof Uint8Array ? BYTE_TO_UNIT : null;
    if (c === 1) {
      if (table) for (let i = 0; i < hw; i++) out[i] = table[src[i]];
      else out.set(src);
    } else {
      for (let ch = 0; ch < c; ch++) {
        const base = ch * hw;
        for (let i = 0, j = ch; i < hw; i++, j += c) out[base + i] = table ? table[src[j]] : src[j];
      }
    }
    return torch.fromArray(out, [c, h, w]);
  }
}

function isArrayImage(x: unknown): x is ArrayImage {
  const a = x as Partial<ArrayImage> | null;
  return (
    typeof a === 'object' &&
    a !== null &&
    Array.isArray(a.shape) &&
    (a.data instanceof Uint8Array || a.data instanceof Float32Array || a.data instanceof Float64Array)
  );
}

/** Per-channel (x - mean) / std on a float tensor (..., C, H, W). */
export class Normalize {
  constructor(
    readonly mean: readonly number[],
    readonly std: readonly number[],
    readonly inplace = false,
  ) {}

  private readonly stats = new Map<torch.DType, [torch.Tensor, torch.Tensor]>();

  forward(tensor: torch.Tensor): torch.Tensor {
    if (!(tensor instanceof torch.Tensor))
      throw new TorchTypeError(`img should be Tensor Image. Got ${typeName(tensor)}`);
    if (!tensor.isFloatingPoint())
      throw new TorchTypeError(`Input tensor should be a float tensor. Got torch.${tensor.dtype}.`);
    if (tensor.ndim < 3) {
      throw new ValueError(
        `Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = torch.Size([${tensor.shape.join(', ')}])`,
      );
    }
    const [m, s] = this.statsFor(tensor.dtype);
    return this.inplace ? tensor.sub_(m).div_(s) : tensor.sub(m).div(s);
  }

  /** Mean and std as (C, 1, 1) tensors of `dtype`, made once per dtype (a DataLoader calls this per sample). */
  private statsFor(dtype: torch.DType): [torch.Tensor, torch.Tensor] {
    let stats = this.stats.get(dtype);
    if (stats === undefined) {
      const mean = torch.tensor([...this.mean], { dtype });
      const std = torch.tensor([...this.std], { dtype });
      if (std.eq(0).any().item()) {
        throw new ValueError(`std evaluated to zero after conversion to torch.${dtype}, leading to division by zero.`);
      }
      stats = [mean.ndim === 1 ? mean.view(-1, 1, 1) : mean, std.ndim === 1 ? std.view(-1, 1, 1) : std];
      this.stats.set(dtype, stats);
    }
    return stats;
  }
}
