import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { formatTensor, getPrintOptions, setPrintOptions } from '../src/print.js';
import { formatExp, formatFixed } from '../src/print-number.js';
import { type PrintingCase, replayPrintingCase } from './helpers/printing-cases.js';

const cases = JSON.parse(readFileSync(new URL('./fixtures/printing.json', import.meta.url), 'utf8')) as PrintingCase[];

afterEach(() => setPrintOptions({ profile: 'default' }));

describe('formatTensor matches PyTorch 1.13 repr', () => {
  it('has the golden cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => replayPrintingCase(c));

  it('accepts typed arrays as storage', () => {
    const values = new Float32Array([0.1, 1.03125, -2]);
    expect(formatTensor({ shape: [3], dtype: 'float32', values })).toBe('tensor([ 0.1000,  1.0312, -2.0000])');
    expect(formatTensor({ shape: [2], dtype: 'int32', values: new Int32Array([7, -8]) })).toBe(
      'tensor([ 7, -8], dtype=torch.int32)',
    );
  });

  it('prints grad_fn in preference to requires_grad', () => {
    const t = { shape: [1], dtype: 'float32' as const, values: [2] };
    expect(formatTensor(t, { requiresGrad: true, gradFnName: 'MulBackward0' })).toBe(
      'tensor([2.], grad_fn=<MulBackward0>)',
    );
    expect(formatTensor(t, { requiresGrad: true, gradFnName: null })).toBe('tensor([2.], requires_grad=True)');
  });
});

describe('print options', () => {
  it('defaults to PyTorch defaults', () => {
    expect(getPrintOptions()).toEqual({ precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null });
  });

  it('applies profiles, then overrides, and resets sciMode like torch.set_printoptions', () => {
    setPrintOptions({ sciMode: true });
    expect(getPrintOptions().sciMode).toBe(true);
    setPrintOptions({ profile: 'short', precision: 3 });
    expect(getPrintOptions()).toEqual({ precision: 3, threshold: 1000, edgeitems: 2, linewidth: 80, sciMode: null });
    setPrintOptions({ profile: 'full' });
    expect(getPrintOptions().threshold).toBe(Infinity);
  });
});

describe('Python number formatting', () => {
  it('rounds the exact binary value half to even in fixed notation', () => {
    expect(formatFixed(1.03125, 4)).toBe('1.0312');
    expect(formatFixed(1.00005, 4)).toBe('1.0001'); // 1.00005 is slightly above the tie
    expect(formatFixed(2.675, 2)).toBe('2.67'); // 2.675 is slightly below the tie
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(0.5, 0)).toBe('0');
    expect(formatFixed(123456.5, 0)).toBe('123456');
    expect(formatFixed(1e20, 2)).toBe('100000000000000000000.00');
  });

  it('keeps the sign of negative zero and of negatives that round to zero', () => {
    expect(formatFixed(-0, 4)).toBe('-0.0000');
    expect(formatFixed(-0.00001, 4)).toBe('-0.0000');
    expect(formatExp(-0, 4)).toBe('-0.0000e+00');
  });

  it('writes exponents with a sign and at least two digits', () => {
    expect(formatExp(1e5, 4)).toBe('1.0000e+05');
    expect(formatExp(1e-5, 4)).toBe('1.0000e-05');
    expect(formatExp(0, 4)).toBe('0.0000e+00');
    expect(formatExp(1e300, 4)).toBe('1.0000e+300');
    expect(formatExp(5e-324, 4)).toBe('4.9407e-324');
    expect(formatExp(Number.MAX_VALUE, 4)).toBe('1.7977e+308');
    expect(formatExp(123456789, 4)).toBe('1.2346e+08');
    expect(formatExp(0.00015, 4)).toBe('1.5000e-04');
  });

  it('rounds in scientific notation, carrying into the exponent', () => {
    expect(formatExp(99999.5, 4)).toBe('1.0000e+05');
    expect(formatExp(9.99995e-5, 4)).toBe('9.9999e-05');
    expect(formatExp(1.5, 0)).toBe('2e+00');
    expect(formatExp(2.5, 0)).toBe('2e+00');
    expect(formatExp(1, 0)).toBe('1e+00');
  });

  it('writes non-finite values as Python does', () => {
    expect(formatFixed(NaN, 4)).toBe('nan');
    expect(formatFixed(Infinity, 4)).toBe('inf');
    expect(formatExp(-Infinity, 4)).toBe('-inf');
  });
});
