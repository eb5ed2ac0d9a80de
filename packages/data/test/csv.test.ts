import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type * as torch from '@kindling/core';
import { DataLoader } from '@kindling/data';
import { CSVDataset, parseCSV } from '@kindling/data/node';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

describe('parseCSV', () => {
  it('handles quotes, escaped quotes, embedded delimiters and newlines, CRLF and a BOM', () => {
    const { rows, lines } = parseCSV('\ufeffa,"b,1","say ""hi"""\r\n1,"two\nlines",3\n\n4,5,6');
    expect(rows).toEqual([
      ['a', 'b,1', 'say "hi"'],
      ['1', 'two\nlines', '3'],
      ['4', '5', '6'],
    ]);
    expect(lines).toEqual([1, 2, 5]);
    expect(() => parseCSV('a,"b\n')).toThrow('unterminated quoted field starting on line 1');
  });
});

describe('CSVDataset', () => {
  const path = file('iris.csv', 'sepal,petal,species\n5.1,1.4,0\n4.9, 1.5 ,1\n6.2,5.4e0,2\n');

  it('returns [features, target] rows, with data/targets tensors for the whole table', () => {
    const ds = new CSVDataset<[torch.Tensor, torch.Tensor]>(path, { targetColumn: 'species' });
    expect(ds.length).toBe(3);
    expect(ds.columnNames).toEqual(['sepal', 'petal', 'species']);
    expect(ds.featureNames).toEqual(['sepal', 'petal']);
    const [x, y] = ds.get(1);
    expect(x.tolist()).toEqual([Math.fround(4.9), 1.5]);
    expect(y.item()).toBe(1);
    expect(ds.data.dtype).toBe('float32');
    expect(ds.targets?.dtype).toBe('int64');
    const [xb, yb] = [...new DataLoader(ds, { batchSize: 2 })][0];
    expect(xb.shape).toEqual([2, 2]);
    expect(yb.tolist()).toEqual([0, 1]);
  });

  it('selects columns by name or index, without a header, with another delimiter and dtype', () => {
    const ds = new CSVDataset(path, { columns: ['petal'], targetColumn: 0, targetDtype: 'float64' });
    expect(ds.featureNames).toEqual(['petal']);
    expect(ds.targets?.dtype).toBe('float64');
    const noHeader = CSVDataset.fromText('1;2\n3;4', { header: false, delimiter: ';', dtype: 'float64' });
    expect(noHeader.get(1)).toBeDefined();
    expect(noHeader.data.dtype).toBe('float64');
    expect(noHeader.data.tolist()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(noHeader.columnNames).toEqual(['0', '1']);
    const fractional = CSVDataset.fromText('x,y\n1,0.5\n2,1.5', { targetColumn: 'y' });
    expect(fractional.targets?.dtype).toBe('float32');
  });

  it('names the row and column of a cell that is not a number, and never yields NaN', () => {
    const bad = file('bad.csv', 'a,b\n1,2\n3,oops\n');
    expect(() => new CSVDataset(bad)).toThrow(`${bad}: row 2 (line 3), column 'b' (index 1): 'oops' is not a number`);
    expect(() => CSVDataset.fromText('a,b\n1,\n', {}, 'mem.csv')).toThrow(
      "mem.csv: row 1 (line 2), column 'b' (index 1): '' is not a number",
    );
    // Past the largest double: not a value, whatever Number() makes of it.
    expect(() => CSVDataset.fromText('a,b\n1,1e999\n', {}, 'mem.csv')).toThrow(
      "mem.csv: row 1 (line 2), column 'b' (index 1): '1e999' is out of range for a number",
    );
    expect(() => CSVDataset.fromText('a,b\n1,Infinity\n', {}, 'mem.csv')).toThrow("'Infinity' is not a number");
    expect(() => CSVDataset.fromText('a\nNaN\n')).toThrow("'NaN' is not a number");
    expect(() => CSVDataset.fromText('a,b\n1,2,3\n')).toThrow('row 1 (line 2) has 3 cells, expected 2');
    expect(() => CSVDataset.fromText('a,b\n1,2\n', { targetColumn: 'c' })).toThrow("no column 'c' (columns: a, b)");
    expect(() => new CSVDataset(join(tmp, 'missing.csv'))).toThrow(`cannot read ${join(tmp, 'missing.csv')}`);
  });
});
