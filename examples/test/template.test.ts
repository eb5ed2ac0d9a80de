/**
 * Kindling from a project of its own (templates/node-app): the workspace packages packed into tarballs
 * (tools/pack-packages.mjs), installed with plain npm into a fresh folder outside the repository, install scripts
 * approved where npm 11 asks, and the template's script run: the loss falls on the native kernels.
 * Needs the packages built (`pnpm build`, as .ci/run does before the tests) and the npm registry (seedrandom,
 * assemblyscript, pngjs, @cwasm/jpeg-turbo). The commands run asynchronously: the install takes a minute, and a
 * test worker blocked that long in a synchronous call misses vitest's RPC deadline ("Timeout calling
 * onTaskUpdate"), which fails the run however the test itself ends.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built = ['core', 'nn', 'optim', 'data'].every((p) => existsSync(join(root, 'packages', p, 'dist', 'index.js')));
if (!built) console.warn('note: the packages are not built (pnpm build); the template test is skipped');

const run = (cmd: string, args: string[], cwd: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const env = { ...process.env, KINDLING_BACKEND: '' };
    execFile(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} ${args.join(' ')} failed (${String(error.code)}):\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });

describe.runIf(built)('templates/node-app installed from packed tarballs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-template-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('installs with npm outside the repository and trains on the native kernels', async () => {
    const pkgs = join(dir, 'pkgs');
    await run(process.execPath, [join(root, 'tools', 'pack-packages.mjs'), pkgs], root);
    const tarballs = readdirSync(pkgs)
      .filter((f) => f.endsWith('.tgz'))
      .map((f) => join(pkgs, f));
    expect(tarballs.length).toBe(6);
    const app = join(dir, 'app');
    cpSync(join(root, 'templates', 'node-app'), app, { recursive: true });
    await run('npm', ['install', '--no-audit', '--no-fund', ...tarballs], app);
    const npmMajor = Number((await run('npm', ['--version'], app)).split('.')[0]);
    if (npmMajor >= 11) await run('npm', ['install-scripts', 'approve', '@kindling/native', '@kindling/wasm'], app);
    const out = await run('npm', ['start', '--silent'], app);
    const m = /loss ([\d.]+) -> ([\d.]+), accuracy ([\d.]+)%, kernels: (\w+)/.exec(out);
    expect(m, out).not.toBeNull();
    const [, first, last, accuracy, kernels] = m as RegExpExecArray;
    expect(Number(last)).toBeLessThan(Number(first) * 0.5);
    expect(Number(accuracy)).toBeGreaterThan(90);
    expect(kernels).toBe('native');
  }, 300_000);
});
