import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the core runs in browsers', () => {
  it('imports no Node module at load time: only relative files and seedrandom algorithm modules', () => {
    const offenders: string[] = [];
    for (const file of sources(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1];
        if (!spec.startsWith('.') && !spec.startsWith('seedrandom/lib/')) offenders.push(`${file}: ${spec}`);
      }
      if (/\brequire\(/.test(text)) offenders.push(`${file}: require()`);
    }
    expect(offenders).toEqual([]);
  });

  it('reaches Node only through process.getBuiltinModule: the file system, require for the native and WebAssembly kernels, workers', () => {
    const uses = sources(SRC).filter((f) => readFileSync(f, 'utf8').includes('getBuiltinModule'));
    expect(uses.map((f) => f.slice(SRC.length + 1)).sort()).toEqual([
      'kernels/native.ts',
      'kernels/wasm-threads.ts',
      'kernels/wasm.ts',
      'node-fs.ts',
    ]);
  });
});
