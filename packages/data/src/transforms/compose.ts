/**
 * What a transform is, and the transforms that combine others: a transform is an object with `forward(input)` (as
 * nn modules are called here), and a plain function works anywhere a transform does.
 */
import { TorchTypeError, pyRepr } from '../errors.js';
import { typeName } from '../dataset.js';

/** A transform: an object with `forward`, or a function. */
export type TransformLike<I = unknown, O = unknown> = { forward(input: I): O } | ((input: I) => O);

/** Any transform, whatever it takes (what Compose chains). */
export type AnyTransform = TransformLike<never, unknown>;

/** Runs a transform given either way. */
export function applyTransform<I, O>(t: TransformLike<I, O>, input: I): O {
  return typeof t === 'function' ? t(input) : t.forward(input);
}

/** Chains transforms: `new Compose([new ToTensor(), new Normalize([0.5], [0.5])])`. */
export class Compose {
  constructor(readonly transforms: readonly AnyTransform[]) {}
  forward<O = unknown>(input: unknown): O {
    let x = input;
    for (const t of this.transforms) x = applyTransform(t as TransformLike<unknown, unknown>, x);
    return x as O;
  }
}

/** Wraps a function as a transform. */
export class Lambda<I = unknown, O = unknown> {
  constructor(readonly lambd: (input: I) => O) {
    if (typeof lambd !== 'function')
      throw new TorchTypeError(`Argument lambd should be callable, got ${pyRepr(typeName(lambd))}`);
  }
  forward(input: I): O {
    return this.lambd(input);
  }
}
