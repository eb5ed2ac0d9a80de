/**
 * The one-tensor elementwise ops as Tensor methods: `t.exp()` is `torch.exp(t)`. ops/unary.ts is their table, and
 * every entry of it is a method here, typed and documented from the entry, so that adding an op there is the whole
 * change.
 */
import type * as UnaryOps from '../ops/unary.js';
import { Tensor } from '../tensor.js';

/**
 * Each entry of the table as a method taking no arguments (`round` takes `{ decimals }`), with its documentation;
 * tensor.ts merges these into the class.
 */
export type UnaryMethods = {
  [K in keyof typeof UnaryOps]: K extends 'round' ? (options?: { decimals?: number }) => Tensor : () => Tensor;
};

/** Puts each entry of `table` on Tensor.prototype as a method of its name (the core entry calls this once). */
export function installUnaryMethods(table: typeof UnaryOps): void {
  for (const [name, op] of Object.entries(table)) {
    const method = {
      [name](this: Tensor, options?: { decimals?: number }): Tensor {
        return op(this, options);
      },
    }[name];
    Object.defineProperty(Tensor.prototype, name, { value: method, writable: true, configurable: true });
  }
}
