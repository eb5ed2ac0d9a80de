/**
 * Builds the page (one esbuild bundle of main.ts and the Kindling sources it imports) and serves it on
 * localhost with the cross-origin isolation headers that SharedArrayBuffer — and so the WebAssembly threads —
 * need, together with the WebAssembly kernels (/wasm/) and the committed Fashion-MNIST sample (/data/).
 *
 *   pnpm example:browser [--port 8080] [--no-isolation]
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');
const ROUTES: [prefix: string, dir: string][] = [
  ['/wasm/', join(repo, 'packages', 'wasm', 'build')],
  ['/data/', join(repo, 'packages', 'data', 'fixtures', 'fashion-mnist-sample')],
  ['/', join(here, 'dist')],
];
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.gz': 'application/gzip',
};

/** Bundles the page into examples/browser/dist (index.html and main.js). */
export async function buildPage(): Promise<void> {
  await build({
    entryPoints: [join(here, 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    sourcemap: true,
    outfile: join(here, 'dist', 'main.js'),
    logLevel: 'warning',
  });
  const html = await readFile(join(here, 'index.html'));
  const { writeFile } = await import('node:fs/promises');
  await writeFile(join(here, 'dist', 'index.html'), html);
}

/** Serves the built page; `isolated: false` leaves out the COOP/COEP headers (the page then runs one thread). */
export async function servePage(
  options: { port?: number; isolated?: boolean } = {},
): Promise<{ server: Server; url: string }> {
  const isolated = options.isolated ?? true;
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const [prefix, dir] = ROUTES.find(([p]) => path.startsWith(p)) as [string, string];
    const rel = path === '/' ? 'index.html' : path.slice(prefix.length);
    const file = normalize(join(dir, rel));
    const headers: Record<string, string> = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
    if (isolated) {
      headers['cross-origin-opener-policy'] = 'same-origin';
      headers['cross-origin-embedder-policy'] = 'require-corp';
      headers['cross-origin-resource-policy'] = 'same-origin';
    }
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    readFile(file).then(
      (body) => res.writeHead(200, headers).end(body),
      () => res.writeHead(404, headers).end(`not found: ${path}`),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--port');
  const port = at >= 0 ? Number(argv[at + 1]) : 8080;
  await buildPage();
  const { url } = await servePage({ port, isolated: !argv.includes('--no-isolation') });
  console.log(`Kindling in the browser: open ${url} (Ctrl-C to stop)`);
}
