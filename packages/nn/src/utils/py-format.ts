/** Python's `repr` of numbers, booleans and tuples, for module printing (`eps=1e-05`, `kernel_size=(3, 3)`). */

export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const [mant, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  if (exp >= -4 && exp < 16) {
    // Python and JavaScript agree on the shortest digits; JavaScript only switches to exponents later.
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

export function pyValue(x: unknown): string {
  if (typeof x === 'boolean') return x ? 'True' : 'False';
  if (x === null || x === undefined) return 'None';
  if (typeof x === 'number') return Number.isInteger(x) && !Object.is(x, -0) ? String(x) : pyFloat(x);
  if (typeof x === 'string') return `'${x}'`;
  if (Array.isArray(x)) return x.length === 1 ? `(${pyValue(x[0])},)` : `(${x.map(pyValue).join(', ')})`;
  return String(x);
}

/** A float hyper-parameter that PyTorch stores as a Python float (`momentum=0.1`, `p=0.5`). */
export function pyFloatValue(x: number | null): string {
  return x === null ? 'None' : pyFloat(x);
}
