/**
 * Replays a walk-through against the output real PyTorch printed for it (fixtures/seeds.json, written by
 * tools/golden/seeds.py). `print(...)` formats its arguments as Python's print does (tensors by their repr,
 * `True`/`False`/`None`, a grad_fn by its class name); `error(fn)` records what `fn` throws.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import * as torch from '@kindling/core';

export type Line = { print: string } | { error: string; message: string };

interface WalkFixture {
  title: string;
  lines: Line[];
}

export const seeds: Record<string, WalkFixture> = JSON.parse(
  readFileSync(new URL('../fixtures/seeds.json', import.meta.url), 'utf8'),
) as Record<string, WalkFixture>;

/** A shape as Python prints `t.shape`. */
export class Size {
  constructor(readonly dims: readonly number[]) {}
  toString(): string {
    return `torch.Size([${this.dims.join(', ')}])`;
  }
}

function fmt(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v instanceof torch.Tensor) return v.toString();
  if (v instanceof torch.Node) return v.name();
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`print a tensor instead of the float ${v}`);
    return String(v);
  }
  if (typeof v === 'string') return v;
  if (v instanceof Size || Array.isArray(v)) return String(v);
  throw new Error(`cannot print ${typeof v} in a walk-through`);
}

export class Walk {
  readonly lines: Line[] = [];

  print = (...args: unknown[]): void => {
    this.lines.push({ print: args.map(fmt).join(' ') });
  };

  error = (fn: () => unknown): void => {
    try {
      fn();
    } catch (e) {
      const err = e as Error;
      this.lines.push({ error: err.name, message: err.message });
      return;
    }
    this.lines.push({ error: '(nothing thrown)', message: '' });
  };
}

/**
 * Every printed line must equal PyTorch's exactly; an error must be of the same Python type and its message
 * must contain PyTorch's.
 */
export function expectWalk(id: string, walk: Walk): void {
  const fixture = seeds[id];
  if (!fixture) throw new Error(`no fixture for walk-through ${id}; run tools/golden/seeds.py`);
  const expected = fixture.lines;
  const actual = walk.lines.map((line, i) => {
    const want = expected[i];
    if (want && 'error' in want && 'error' in line && line.message.includes(want.message)) {
      return { error: line.error, message: want.message };
    }
    return line;
  });
  expect(actual).toEqual(expected);
}

/** Runs a walk-through and compares it, leaving grad mode as it found it. */
export function replay(id: string, body: (print: Walk['print'], error: Walk['error']) => void): void {
  const walk = new Walk();
  const before = torch.isGradEnabled();
  let after: boolean;
  try {
    body(walk.print, walk.error);
  } finally {
    after = torch.isGradEnabled();
    torch.setGradEnabled(before);
  }
  expect(after, 'the walk-through must leave grad mode as it found it').toBe(before);
  expectWalk(id, walk);
}
