/**
 * Replaying a printing case of tools/golden/printing.py's format (printing.json and fuzz_printing.json): the tensor's
 * values, dtype and autograd state, printed under the case's print options, against PyTorch's repr.
 */
import { expect } from 'vitest';
import type { DType } from '../../src/dtype.js';
import { formatTensor, type PrintOptions, setPrintOptions } from '../../src/print.js';

/** One case of fixtures/printing.json, written by tools/golden/printing.py from real PyTorch 1.13. */
export interface PrintingCase {
  name: string;
  shape: number[];
  dtype: DType;
  /** Finite values as numbers; non-finite ones as "nan", "inf", "-inf". */
  values: (number | string)[];
  requiresGrad: boolean;
  gradFnName: string | null;
  /** torch.set_printoptions keyword arguments, Python spelling. */
  options?: {
    precision?: number;
    threshold?: number;
    edgeitems?: number;
    linewidth?: number;
    sci_mode?: boolean;
    profile?: 'default' | 'short' | 'full';
  };
  expected: string;
}

function decode(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  throw new Error(`unknown value encoding ${v}`);
}

function applyOptions(o: NonNullable<PrintingCase['options']>): void {
  const opts: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' } = {};
  if (o.profile !== undefined) opts.profile = o.profile;
  if (o.precision !== undefined) opts.precision = o.precision;
  if (o.threshold !== undefined) opts.threshold = o.threshold;
  if (o.edgeitems !== undefined) opts.edgeitems = o.edgeitems;
  if (o.linewidth !== undefined) opts.linewidth = o.linewidth;
  if (o.sci_mode !== undefined) opts.sciMode = o.sci_mode;
  setPrintOptions(opts);
}

/** Case `c` printed as PyTorch printed it; the print options are back at their defaults afterwards. */
export function replayPrintingCase(c: PrintingCase): void {
  try {
    if (c.options) applyOptions(c.options);
    const t = { shape: c.shape, dtype: c.dtype, values: c.values.map(decode) };
    expect(formatTensor(t, { requiresGrad: c.requiresGrad, gradFnName: c.gradFnName })).toBe(c.expected);
  } finally {
    setPrintOptions({ profile: 'default' });
  }
}
