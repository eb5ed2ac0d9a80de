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

/** Python's `'{:.Nf}'.format(x)` and `'{:.Ne}'.format(x)`: the double's exact value rounded half to even. */
export { formatFixed, formatExp } from './print-number.js';

/** Python's rule for positional arguments followed by an options object (keyword arguments). */
export { pythonArgs, isOptionsObject } from './python-args.js';
