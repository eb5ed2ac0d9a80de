/**
 * CSVDataset: a numeric table from a CSV file (RFC 4180 quoting, LF or CRLF lines), every selected cell parsed as
 * a number. A cell that is not one (empty, text, "NaN") stops the load with its row and column named, so a
 * dataset never holds partial rows or NaNs.
 *
 *   const ds = new CSVDataset('iris.csv', { targetColumn: 'species' });  // get(i) → [features, target]
 *   const all = new CSVDataset('points.csv');                           // get(i) → features
 */
import * as torch from '@kindling/core';
import { Dataset } from '../dataset.js';
import { RuntimeError, ValueError } from '../errors.js';
import { readBytes } from './node-io.js';

type Column = string | number;

export interface CSVOptions {
  /** The first line names the columns (default true). */
  header?: boolean;
  delimiter?: string;
  /** The feature columns, by name or index (default: every column but the target). */
  featureColumns?: readonly Column[];
  /** Alias of featureColumns. */
  columns?: readonly Column[];
  /** A column to return separately as the target. */
  targetColumn?: Column | null;
  /** dtype of the features (default float32). */
  dtype?: 'float32' | 'float64';
  /** dtype of the target (default int64 when every target is an integer, else float32). */
  targetDtype?: torch.DType;
}

/** Splits CSV text into rows of cells, with the 1-based line each row starts on. */
export function parseCSV(text: string, delimiter = ','): { rows: string[][]; lines: number[] } {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new ValueError(`delimiter must be a single character other than a quote or a newline, got '${delimiter}'`);
  }
  const rows: string[][] = [];
  const lines: number[] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = (): void => {
    row.push(cell);
    if (!(row.length === 1 && row[0].trim() === '')) {
      rows.push(row);
      lines.push(rowLine);
    }
    row = [];
    cell = '';
  };
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) throw new ValueError(`unterminated quoted field starting on line ${rowLine}`);
  if (cell !== '' || row.length > 0) endRow();
  return { rows, lines };
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * `get(i)` gives the feature row, or `[features, target]` with a target column; name the sample type for
 * destructuring: `new CSVDataset<[Tensor, Tensor]>(path, { targetColumn: 'label' })`.
 */
export class CSVDataset<
  S extends torch.Tensor | [torch.Tensor, torch.Tensor] = torch.Tensor | [torch.Tensor, torch.Tensor],
> extends Dataset<S> {
  /** The column names (from the header, else "0", "1", ...). */
  readonly columnNames: string[];
  readonly featureNames: string[];
  readonly targetName: string | null;
  /** Features, [N, F]. */
  readonly data: torch.Tensor;
  /** Targets, [N] (null without a target column). */
  readonly targets: torch.Tensor | null;

  constructor(path: string, options: CSVOptions = {}) {
    super();
    const loaded = CSVDataset.parse(new TextDecoder().decode(readBytes(path)), path, options);
    this.columnNames = loaded.columnNames;
    this.featureNames = loaded.featureNames;
    this.targetName = loaded.targetName;
    this.data = loaded.data;
    this.targets = loaded.targets;
  }

  /** A dataset from CSV text in memory (`source` names it in errors). */
  static fromText<S extends torch.Tensor | [torch.Tensor, torch.Tensor] = torch.Tensor | [torch.Tensor, torch.Tensor]>(
    text: string,
    options: CSVOptions = {},
    source = 'CSV text',
  ): CSVDataset<S> {
    const ds = Object.create(CSVDataset.prototype) as CSVDataset<S>;
    return Object.assign(ds, CSVDataset.parse(text, source, options));
  }

  private static parse(text: string, source: string, options: CSVOptions) {
    const { rows, lines } = parseCSV(text, options.delimiter ?? ',');
    const header = options.header ?? true;
    if (rows.length === 0) throw new RuntimeError(`${source}: no rows`);
    const width = rows[0].length;
    const columnNames = header ? rows[0].map((s) => s.trim()) : Array.from({ length: width }, (_, i) => String(i));
    const body = header ? rows.slice(1) : rows;
    const bodyLines = header ? lines.slice(1) : lines;
    const index = (c: Column): number => {
      const k = typeof c === 'number' ? (c < 0 ? c + width : c) : columnNames.indexOf(c);
      if (!Number.isInteger(k) || k < 0 || k >= width) {
        throw new ValueError(
          `${source}: no column ${typeof c === 'number' ? c : `'${c}'`} (columns: ${columnNames.join(', ')})`,
        );
      }
      return k;
    };
    const target =
      options.targetColumn === undefined || options.targetColumn === null ? -1 : index(options.targetColumn);
    const chosen = options.featureColumns ?? options.columns;
    const features = chosen ? chosen.map(index) : columnNames.map((_, k) => k).filter((k) => k !== target);
    const n = body.length;
    const f = features.length;
    const x = options.dtype === 'float64' ? new Float64Array(n * f) : new Float32Array(n * f);
    const y = new Float64Array(target >= 0 ? n : 0);
    const cellValue = (r: number, k: number): number => {
      const raw = body[r][k].trim();
      if (!NUMBER.test(raw)) {
        throw new ValueError(
          `${source}: row ${r + 1} (line ${bodyLines[r]}), column '${columnNames[k]}' (index ${k}): '${body[r][k]}' is not a number`,
        );
      }
      const value = Number(raw);
      if (!Number.isFinite(value)) {
        throw new ValueError(
          `${source}: row ${r + 1} (line ${bodyLines[r]}), column '${columnNames[k]}' (index ${k}): '${body[r][k]}' is out of range for a number`,
        );
      }
      return value;
    };
    for (let r = 0; r < n; r++) {
      if (body[r].length !== width) {
        throw new ValueError(
          `${source}: row ${r + 1} (line ${bodyLines[r]}) has ${body[r].length} cells, expected ${width}`,
        );
      }
      for (let j = 0; j < f; j++) x[r * f + j] = cellValue(r, features[j]);
      if (target >= 0) y[r] = cellValue(r, target);
    }
    const targetDtype = options.targetDtype ?? (y.every(Number.isInteger) ? 'int64' : 'float32');
    return {
      columnNames,
      featureNames: features.map((k) => columnNames[k]),
      targetName: target >= 0 ? columnNames[target] : null,
      data: torch.fromArray(x, [n, f]),
      targets: target >= 0 ? torch.fromArray(y, [n], { dtype: targetDtype }) : null,
    };
  }

  get length(): number {
    return this.data.size(0);
  }

  get(index: number): S {
    const row = this.data.select(0, index);
    return (this.targets === null ? row : [row, this.targets.select(0, index)]) as S;
  }
}
