/**
 * The bad-argument tests' harness, shared by every backend's: arrays as windows into larger buffers whose guard
 * regions show any write out of bounds, argument templates, and the junk values a broken call passes.
 */
export const GUARD = 64;
export const SENTINEL = 12345.5;

/** A window of n elements inside a buffer with GUARD sentinel elements on each side. */
export class Guarded {
  readonly full: Float32Array | Float64Array;
  readonly view: Float32Array | Float64Array;
  constructor(ctor: Float32ArrayConstructor | Float64ArrayConstructor, n: number, fill: (i: number) => number) {
    this.full = new ctor(n + 2 * GUARD).fill(SENTINEL);
    this.view = this.full.subarray(GUARD, GUARD + n);
    for (let i = 0; i < n; i++) this.view[i] = fill(i);
  }
  intact(): boolean {
    for (let i = 0; i < GUARD; i++)
      if (this.full[i] !== SENTINEL || this.full[this.full.length - 1 - i] !== SENTINEL) return false;
    return true;
  }
}

/** An argument template: an array of n elements (float by default), or a plain value. */
export type Spec = { array: number; kind?: 'float' | 'index' } | { value: unknown };
export const A = (n: number): Spec => ({ array: n });
export const I = (n: number): Spec => ({ array: n, kind: 'index' });
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
    const g = new Guarded(s.kind === 'index' ? Float64Array : ctor, s.array, (i) =>
      s.kind === 'index' ? i % 4 : next() * 2 - 1,
    );
    guards.push(g);
    return g.view;
  });
  return { args, guards };
}
