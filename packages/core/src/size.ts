/** `torch.Size`: a tensor's shape, an array of numbers that prints as PyTorch prints it. */

export class Size extends Array<number> {
  /** A Size of these dims (`new Size(3)` would be three empty slots, as for any Array). */
  static fromDims(dims: readonly number[]): Size {
    const s = new Size();
    for (const d of dims) s.push(d);
    return s;
  }

  /** `torch.Size([2, 3])`, as `print(x.shape)` and `f'{x.shape}'` write it. */
  override toString(): string {
    return `torch.Size([${this.join(', ')}])`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Array methods that build arrays (map, filter, slice, concat) return plain arrays, not Sizes. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}
