// Files on disk (node-fs.ts): atomic writes that leave no temporary file behind, reads back as plain Uint8Arrays,
// the errors of Python's file functions, and no Node module at the top level of what a browser loads.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FileNotFoundError, IsADirectoryError, RuntimeError } from '../src/errors.js';
import { readFileBytes, writeFileBytesAtomic } from '../src/node-fs.js';
import { decodeSafetensors } from '../src/safetensors-read.js';
import { encodeSafetensors } from '../src/safetensors-write.js';
import { SAMPLE } from './helpers/safetensors-bytes.js';

describe('node-fs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-fs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes atomically, leaving no temporary file, and reads the bytes back', () => {
    const sub = join(dir, 'atomic');
    mkdirSync(sub);
    const path = join(sub, 'model.safetensors');
    writeFileBytesAtomic(path, new Uint8Array([1, 2, 3]));
    writeFileBytesAtomic(path, new Uint8Array([4, 5]));
    expect(readdirSync(sub)).toEqual(['model.safetensors']);
    const back = readFileBytes(path);
    expect(Object.getPrototypeOf(back)).toBe(Uint8Array.prototype);
    expect(Array.from(back)).toEqual([4, 5]);
  });

  it('round-trips a safetensors file through disk', () => {
    const path = join(dir, 'sample.safetensors');
    writeFileBytesAtomic(path, encodeSafetensors(SAMPLE, { format: 'pt' }));
    const { tensors, metadata } = decodeSafetensors(readFileBytes(path));
    expect(metadata).toEqual({ format: 'pt' });
    expect(Array.from(tensors.i64.data)).toEqual(Array.from(SAMPLE.i64.data));
  });

  it('names the path of a missing file, like FileNotFoundError', () => {
    const path = join(dir, 'missing.pt');
    expect(() => readFileBytes(path)).toThrow(FileNotFoundError);
    expect(() => readFileBytes(path)).toThrow(`[Errno 2] No such file or directory: '${path}'`);
  });

  it('reports a directory read as IsADirectoryError', () => {
    expect(() => readFileBytes(dir)).toThrow(new IsADirectoryError(`[Errno 21] Is a directory: '${dir}'`, 21, dir));
  });

  it('reports a missing parent directory as torch.save does and leaves nothing behind', () => {
    const parent = join(dir, 'no-such-dir');
    expect(() => writeFileBytesAtomic(join(parent, 'x.pt'), new Uint8Array([1]))).toThrow(
      new RuntimeError(`Parent directory ${parent} does not exist.`),
    );
  });

  it('removes the temporary file when the final rename fails', () => {
    const sub = join(dir, 'rename-fails');
    mkdirSync(join(sub, 'target'), { recursive: true });
    writeFileSync(join(sub, 'target', 'keep'), 'x');
    expect(() => writeFileBytesAtomic(join(sub, 'target'), new Uint8Array([1]))).toThrow(IsADirectoryError);
    expect(readdirSync(sub)).toEqual(['target']);
  });

  it('explains what to do when no file system is reachable', () => {
    const proc = process as unknown as { getBuiltinModule?: unknown };
    const saved = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined;
    try {
      const message =
        'torch.save/torch.load need Node.js file system access (not available in this environment); ' +
        'use serialize()/deserialize() with bytes instead';
      expect(() => readFileBytes(join(dir, 'x'))).toThrow(new RuntimeError(message));
      expect(() => writeFileBytesAtomic(join(dir, 'x'), new Uint8Array(0))).toThrow(message);
    } finally {
      proc.getBuiltinModule = saved;
    }
  });

  it('keeps Node modules out of the top level of browser-loaded sources', () => {
    const files = ['node-fs', 'safetensors-format', 'safetensors-read', 'safetensors-write'].map(
      (f) => `../src/${f}.ts`,
    );
    for (const file of files) {
      const source = readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8');
      expect(source, file).not.toMatch(/^\s*import\b[^;]*['"](node:|fs['"]|path['"]|os['"])/m);
      expect(source, file).not.toMatch(/\brequire\(/);
    }
  });
});
