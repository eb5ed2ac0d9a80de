/**
 * PyTorch 1.13's tensor repr (torch/_tensor_str.py), rule for rule, for dense CPU tensors of Kindling's dtypes.
 *
 * The pieces mirror the Python: a `Formatter` looks at every value that will be shown and decides integer mode,
 * scientific mode and a common column width; `render` nests brackets; `addSuffixes` appends `dtype=`,
 * `grad_fn=` / `requires_grad=` and wraps them at the line width.
 */

import { type DType, isFloatingPoint, torchName } from './dtype.js';
import { formatBool, formatExp, formatFixed, formatInteger } from './print-number.js';

export interface PrintableTensor {
  shape: readonly number[];
  dtype: DType;
  /** Contiguous row-major values, numel() of them (bool as 0/1, int64 as exact integer numbers). */
  values: ArrayLike<number>;
}

export interface ReprSuffixes {
  requiresGrad?: boolean;
  gradFnName?: string | null;
}

export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sciMode: boolean | null;
}

const DEFAULT_OPTIONS: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null };

const PROFILES: Record<'default' | 'short' | 'full', Omit<PrintOptions, 'sciMode'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

let printOptions: PrintOptions = { ...DEFAULT_OPTIONS };

/**
 * torch.set_printoptions. As in PyTorch, a profile is applied first and explicit options override it, and
 * `sciMode` is always reset (to null when not given).
 */
export function setPrintOptions(opts: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' }): void {
  const next = { ...printOptions };
  if (opts.profile !== undefined) Object.assign(next, PROFILES[opts.profile]);
  if (opts.precision !== undefined) next.precision = opts.precision;
  if (opts.threshold !== undefined) next.threshold = opts.threshold;
  if (opts.edgeitems !== undefined) next.edgeitems = opts.edgeitems;
  if (opts.linewidth !== undefined) next.linewidth = opts.linewidth;
  next.sciMode = opts.sciMode ?? null;
  printOptions = next;
}

export function getPrintOptions(): PrintOptions {
  return { ...printOptions };
}

/** `_Formatter`: decides how every element is written so that all of them share one width. */
class Formatter {
  readonly floating: boolean;
  intMode = true;
  sciMode = false;
  maxWidth = 1;

  constructor(
    private readonly dtype: DType,
    shown: readonly number[],
    private readonly opts: PrintOptions,
  ) {
    this.floating = isFloatingPoint(dtype);
    if (!this.floating) {
      for (const v of shown) this.maxWidth = Math.max(this.maxWidth, this.plain(v).length);
      return;
    }
    const finite = shown.filter((v) => Number.isFinite(v) && v !== 0);
    // PyTorch returns here before looking at the sci_mode option: all-zero / non-finite tensors stay in int mode.
    if (finite.length === 0) return;
    let min = Infinity;
    let max = 0;
    for (const v of finite) {
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
    }
    this.intMode = finite.every((v) => v === Math.ceil(v));
    const p = opts.precision;
    if (this.intMode) {
      if (max / min > 1000 || max > 1e8) {
        this.sciMode = true;
        for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatExp(v, p).length);
      } else {
        // Room for the '.' appended to integral floats.
        for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatFixed(v, 0).length + 1);
      }
    } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
      this.sciMode = true;
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatExp(v, p).length);
    } else {
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatFixed(v, p).length);
    }
    if (opts.sciMode !== null) this.sciMode = opts.sciMode;
  }

  /** Python's `'{}'.format(value)` for integer and bool elements. */
  private plain(v: number): string {
    return this.dtype === 'bool' ? formatBool(v) : formatInteger(v);
  }

  format(v: number): string {
    let text: string;
    if (!this.floating) text = this.plain(v);
    else if (this.sciMode) text = formatExp(v, this.opts.precision);
    else if (this.intMode) text = Number.isFinite(v) ? `${formatFixed(v, 0)}.` : formatFixed(v, 0);
    else text = formatFixed(v, this.opts.precision);
    return text.padStart(this.maxWidth, ' ');
  }
}

/**
 * The indices of one dimension that survive summarisation, as [head, tail], or null when all are shown.
 * The last dimension uses Python slices (`t[:e]`, `t[-e:]`, so `e = 0` keeps every element in the tail);
 * outer dimensions use `range(0, e)` and `range(size - e, size)`, as `_tensor_str` does.
 */
function edges(size: number, summarize: boolean, e: number, last: boolean): [number[], number[]] | null {
  if (!summarize || size <= 2 * e) return null;
  const range = (from: number, to: number): number[] =>
    Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
  const head = range(0, Math.min(e, size));
  const tail = last && e === 0 ? range(0, size) : range(Math.max(size - e, 0), size);
  return [head, tail];
}

function allIndices(size: number): number[] {
  return Array.from({ length: size }, (_, i) => i);
}

/** The dense, strided view that `render` walks. */
interface View {
  shape: readonly number[];
  strides: number[];
  at: (i: number) => number;
}

function makeView(t: PrintableTensor): View {
  const strides = new Array<number>(t.shape.length);
  let s = 1;
  for (let d = t.shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= t.shape[d];
  }
  const values = t.values;
  // float32 elements are shown as their float32 value widened to a double, as `tolist()` gives them.
  const at = t.dtype === 'float32' ? (i: number) => Math.fround(values[i]) : (i: number) => values[i];
  return { shape: t.shape, strides, at };
}

/** `get_summarized_data`, flattened: every value that appears in the printed output. */
function shownValues(view: View, summarize: boolean, e: number): number[] {
  const out: number[] = [];
  const ndim = view.shape.length;
  const walk = (offset: number, d: number): void => {
    if (d === ndim) {
      out.push(view.at(offset));
      return;
    }
    const kept = edges(view.shape[d], summarize, e, d === ndim - 1);
    const indices = kept ? [...kept[0], ...kept[1]] : allIndices(view.shape[d]);
    for (const i of indices) walk(offset + i * view.strides[d], d + 1);
  };
  walk(0, 0);
  return out;
}

/** `_tensor_str_with_formatter` and `_vector_str`. */
function render(
  view: View,
  fmt: Formatter,
  opts: PrintOptions,
  summarize: boolean,
  offset: number,
  d: number,
  indent: number,
): string {
  const ndim = view.shape.length;
  if (ndim === 0) return fmt.format(view.at(offset));
  const size = view.shape[d];
  const stride = view.strides[d];
  const kept = edges(size, summarize, opts.edgeitems, d === ndim - 1);
  if (d === ndim - 1) {
    const elementLength = fmt.maxWidth + 2;
    const perLine = Math.max(1, Math.floor((opts.linewidth - indent) / elementLength));
    const cell = (i: number): string => fmt.format(view.at(offset + i * stride));
    const data = kept ? [...kept[0].map(cell), ' ...', ...kept[1].map(cell)] : allIndices(size).map(cell);
    const lines: string[] = [];
    for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
  }
  const sub = (i: number): string => render(view, fmt, opts, summarize, offset + i * stride, d + 1, indent + 1);
  const slices = kept ? [...kept[0].map(sub), '...', ...kept[1].map(sub)] : allIndices(size).map(sub);
  return `[${slices.join(`,${'\n'.repeat(ndim - d - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** `_tensor_str` for a non-empty tensor. */
function tensorStr(t: PrintableTensor, indent: number, opts: PrintOptions): string {
  const numel = t.shape.reduce((a, b) => a * b, 1);
  const summarize = numel > opts.threshold;
  const view = makeView(t);
  const fmt = new Formatter(t.dtype, shownValues(view, summarize, opts.edgeitems), opts);
  return render(view, fmt, opts, summarize, 0, 0, indent);
}

/** `_add_suffixes`, including its line-length arithmetic (`len - rfind('\n') + 1`). */
function addSuffixes(text: string, suffixes: readonly string[], indent: number, linewidth: number): string {
  const parts = [text];
  let lastLineLen = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > linewidth) {
      parts.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** Python's `str(tuple(shape))`. */
function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Exactly Python's `repr(tensor)` in PyTorch 1.13 for a dense CPU tensor. */
export function formatTensor(t: PrintableTensor, suffixes: ReprSuffixes = {}): string {
  const opts = printOptions;
  const prefix = 'tensor(';
  const indent = prefix.length;
  const extra: string[] = [];
  const numel = t.shape.reduce((a, b) => a * b, 1);
  let body: string;
  if (numel === 0) {
    // Explicit shape unless it is (0,); the dtype is shown for anything but the default float dtype.
    if (t.shape.length !== 1) extra.push(`size=${pyTuple(t.shape)}`);
    if (t.dtype !== 'float32') extra.push(`dtype=${torchName(t.dtype)}`);
    body = '[]';
  } else {
    // float32 (the default), int64 and bool are "default" dtypes and print no suffix.
    if (t.dtype === 'float64' || t.dtype === 'int32') extra.push(`dtype=${torchName(t.dtype)}`);
    body = tensorStr(t, indent, opts);
  }
  if (suffixes.gradFnName) extra.push(`grad_fn=<${suffixes.gradFnName}>`);
  else if (suffixes.requiresGrad) extra.push('requires_grad=True');
  return addSuffixes(prefix + body, extra, indent, opts.linewidth);
}
