/**
 * The bad-argument tests' harness, shared by every backend's: arrays as windows into larger buffers whose guard
 * regions show any write out of bounds, argument templates, and the junk values a broken call passes.
 */
export const GUARD = 64;
export const SENTINEL = 12345.5;

type GuardedArray = Float32Array | Float64Array | Int32Array;
type GuardedCtor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor;

/** A window of n elements inside a buffer with GUARD sentinel elements on each side. */
export class Guarded {
  readonly full: GuardedArray;
  readonly view: GuardedArray;
  /** SENTINEL as the array's type holds it (an Int32Array truncates it). */
  private readonly sentinel: number;
  constructor(ctor: GuardedCtor, n: number, fill: (i: number) => number) {
    this.full = new ctor(n + 2 * GUARD).fill(SENTINEL);
    this.sentinel = this.full[0];
    this.view = this.full.subarray(GUARD, GUARD + n);
    for (let i = 0; i < n; i++) this.view[i] = fill(i);
  }
  intact(): boolean {
    for (let i = 0; i < GUARD; i++)
      if (this.full[i] !== this.sentinel || this.full[this.full.length - 1 - i] !== this.sentinel) return false;
    return true;
  }
}

/**
 * An argument template: an array of n elements (float by default; int64 indices in a Float64Array; a Generator's
 * int32 bit state), or a plain value.
 */
export type Spec = { array: number; kind?: 'float' | 'index' | 'int32' } | { value: unknown };
export const A = (n: number): Spec => ({ array: n });
export const I = (n: number): Spec => ({ array: n, kind: 'index' });
export const S = (n: number): Spec => ({ array: n, kind: 'int32' });
export const V = (value: unknown): Spec => ({ value });

export const JUNK: unknown[] = [
  undefined,
  null,
  'x',
  {},
  [],
  NaN,
  Infinity,
  -1,
  1.5,
  2 ** 60,
  -(2 ** 31),
  true,
  new Int32Array(4),
  new Uint8Array(4),
  new Float32Array(0),
  () => 0,
];

/** The arguments a template describes, with the guarded buffers behind its arrays. */
export function build(specs: Spec[], ctor: Float32ArrayConstructor | Float64ArrayConstructor, next: () => number) {
  const guards: Guarded[] = [];
  const args = specs.map((s) => {
    if ('value' in s) return s.value;
    const kind = s.kind ?? 'float';
    const g = new Guarded(kind === 'index' ? Float64Array : kind === 'int32' ? Int32Array : ctor, s.array, (i) =>
      kind === 'float' ? next() * 2 - 1 : kind === 'index' ? i % 4 : i % 128,
    );
    guards.push(g);
    return g.view;
  });
  return { args, guards };
}
