// Packs every workspace package (built: run `pnpm build` first) into a folder of npm tarballs, for installing
// Kindling into a project outside this repository:
//   node tools/pack-packages.mjs [DEST]    (default: dist-packages)
//   npm install DEST/*.tgz                 (in your project)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dest = resolve(process.argv[2] ?? join(root, 'dist-packages'));
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
mkdirSync(dest, { recursive: true });
for (const name of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (pkg.main?.startsWith('./dist') && !existsSync(join(dir, 'dist'))) {
    console.error(`${pkg.name} is not built: run \`pnpm build\` first`);
    process.exit(1);
  }
  const r = spawnSync('npx', ['-y', `pnpm@${pnpmVersion}`, 'pack', '--pack-destination', dest], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    console.error(`packing ${pkg.name} failed:\n${r.stderr}`);
    process.exit(1);
  }
}
console.log(`packed ${readdirSync(dest).filter((f) => f.endsWith('.tgz')).length} packages into ${dest}`);
