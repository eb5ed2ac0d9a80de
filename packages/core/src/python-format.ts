/** Python's numbers: `round()`, and their text as `repr`/`str`/f-strings write it. */

/** Python's `round(x)` (and `torch.round`): a value halfway between two integers goes to the even one. */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `repr(float(x))`: `1.0`, `-0.5`, `1e-08`, `1e+16`, `inf`, `nan`, `-0.0`. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // JavaScript's shortest round-trip digits are Python's; only the layout differs.
  const [mantissa, expPart] = x.toExponential().split('e');
  const exp = Number(expPart);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const s = String(x);
  return s.includes('.') ? s : `${s}.0`;
}

/** How `pyRepr` maps JavaScript values onto Python's. */
export interface PyReprOptions {
  /** Arrays as Python lists `[1, 2]` (the default) or tuples `(1, 2)`, `(1,)`. */
  sequence?: 'list' | 'tuple';
  /** Numbers as the Python value they stand for: an int when integral (the default), or always a float (`1.0`). */
  numbers?: 'auto' | 'float';
}

/**
 * Python's `repr` of a value as PyTorch's messages and module reprs show it: `True`, `None`, `'text'`, `0.001`,
 * `1e-08`, `[1, 2]` or `(3, 3)`, and `<Foo object>` for any other object.
 */
export function pyRepr(x: unknown, options: PyReprOptions = {}): string {
  if (x === true) return 'True';
  if (x === false) return 'False';
  if (x === null || x === undefined) return 'None';
  if (typeof x === 'number')
    return options.numbers !== 'float' && Number.isInteger(x) && !Object.is(x, -0) ? String(x) : pyFloat(x);
  if (typeof x === 'string') return `'${x}'`;
  if (Array.isArray(x)) {
    const items = x.map((v) => pyRepr(v, options));
    if (options.sequence !== 'tuple') return `[${items.join(', ')}]`;
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (typeof x === 'object') return `<${x.constructor?.name ?? 'object'} object>`;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are handled above: a bigint, symbol or function is left
  return String(x);
}

/** Python's `str` (what `'{}'.format(x)` shows): a string as itself, anything else as `pyRepr`. */
export function pyStr(x: unknown, options: PyReprOptions = {}): string {
  return typeof x === 'string' ? x : pyRepr(x, options);
}

/** Python's float `x ** y` (C's pow): correctly rounded integer powers, where V8's `**` is sometimes an ulp off. */
export { pyPow } from './kernels/pow.js';

/** Python's `'{:.Nf}'.format(x)` and `'{:.Ne}'.format(x)`: the double's exact value rounded half to even. */
export { formatFixed, formatExp } from './print-number.js';

/** Python's rule for positional arguments followed by an options object (keyword arguments), for constructors and functions. */
export {
  pythonArgs,
  functionArgs,
  trailingOptions,
  checkCamelCaseKeys,
  camelCaseOf,
  isOptionsObject,
} from './python-args.js';
