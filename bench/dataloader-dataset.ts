/**
 * The dataset of bench/dataloader.ts: each `get` spends a fixed amount of CPU (about 1 ms, calibrated by the
 * bench) building a 3×32×32 float32 image, like a decode-and-augment step. Worker threads re-create it from
 * this module.
 */
import * as torch from '@kindling/core';
import { Dataset } from '@kindling/data';

/** Deterministic CPU work: `rounds` passes of a cheap recurrence over a 3072-value image. */
export function render(index: number, rounds: number): Float32Array {
  const out = new Float32Array(3 * 32 * 32);
  let s = index * 2654435761;
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < out.length; k++) {
      s = (Math.imul(s ^ (s >>> 15), 2246822507) + k) | 0;
      out[k] = 0.5 * out[k] + (s & 0xff) / 510;
    }
  }
  return out;
}

export class CostlyDataset extends Dataset<[torch.Tensor, number]> {
  constructor(
    readonly n: number,
    readonly rounds: number,
  ) {
    super();
  }

  get length(): number {
    return this.n;
  }

  get(i: number): [torch.Tensor, number] {
    return [torch.fromArray(render(i, this.rounds), [3, 32, 32]), i % 10];
  }
}
