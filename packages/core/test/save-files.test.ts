import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

const dir = mkdtempSync(join(tmpdir(), 'kindling-save-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('torch.save and torch.load on files', () => {
  it('writes through a temporary file that does not outlive the save', () => {
    const path = join(dir, 'a.safetensors');
    torch.save({ w: torch.arange(5, { dtype: 'float32' }) }, path);
    torch.save({ w: torch.arange(6, { dtype: 'float32' }) }, path);
    expect(readdirSync(dir).filter((n) => n.startsWith('a.safetensors'))).toEqual(['a.safetensors']);
    expect(torch.load(path).w.tolist()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('removes temporary files left by a process that died mid-save, and keeps those of live ones', () => {
    const path = join(dir, 'b.safetensors');
    // No process has pid 2^22 + 1 here (Linux's pid_max is at most 2^22); this test's own pid is alive.
    const dead = `b.safetensors.tmp-${2 ** 22 + 1}-abc123`;
    const live = `b.safetensors.tmp-${process.pid}-def456`;
    const other = `c.safetensors.tmp-${2 ** 22 + 1}-abc123`;
    for (const name of [dead, live, other]) writeFileSync(join(dir, name), 'half a file');
    torch.save({ w: torch.ones(2) }, path);
    const left = readdirSync(dir);
    expect(left).not.toContain(dead);
    expect(left).toContain(live);
    expect(left).toContain(other);
  });

  it('keeps a tensor named like an Object member, `__proto__` included, as a key', () => {
    const bytes = torch.serialize(
      Object.fromEntries([
        ['__proto__', torch.ones(1)],
        ['constructor', torch.zeros(2)],
      ]),
    );
    const back = torch.deserialize(bytes);
    expect(Object.keys(back)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect((back['constructor'] as unknown as torch.Tensor).tolist()).toEqual([0, 0]);
  });

  it('a missing file and a directory raise Python’s errors', () => {
    expect(() => torch.load(join(dir, 'nope.safetensors'))).toThrow(/No such file or directory/);
    expect(() => torch.load(dir)).toThrow(/Is a directory/);
  });
});
