#!/usr/bin/env node
/**
 * Fails when a package's sources import each other in a cycle. Only value imports count (`import type` and
 * `{ type X }` vanish at compile time). One cycle is part of the design and allowed: the Tensor class forwards its
 * methods to ops/*, and the ops and autograd files construct Tensors, so imports of `tensor.ts` from inside core
 * are left out of the graph; every other cycle is reported with its path.
 *
 *   node tools/check-import-cycles.mjs
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TENSOR = join(root, 'packages/core/src/tensor.ts');

function sourcesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The relative modules `file` imports or re-exports as values, resolved to their .ts files. */
function valueImports(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const targets = [];
  for (const node of source.statements) {
    let specifier;
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      const onlyTypes =
        clause &&
        !clause.name &&
        named &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      if (onlyTypes) continue;
      specifier = node.moduleSpecifier;
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      if (node.isTypeOnly) continue;
      const named = node.exportClause;
      if (named && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly))
        continue;
      specifier = node.moduleSpecifier;
    } else continue;
    const text = specifier.text;
    if (!text.startsWith('.')) continue;
    const target = resolve(dirname(file), text.replace(/\.js$/, '.ts'));
    if (existsSync(target)) targets.push(target);
  }
  return targets;
}

/** Every cycle's members, by Tarjan's strongly connected components (those of more than one file, or a self-import). */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const state = new Map();
  const found = [];
  const visit = (v) => {
    state.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!state.has(w)) {
        visit(w);
        state.get(v).low = Math.min(state.get(v).low, state.get(w).low);
      } else if (state.get(w).onStack) state.get(v).low = Math.min(state.get(v).low, state.get(w).index);
    }
    if (state.get(v).low === state.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        state.get(w).onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component);
    }
  };
  for (const v of graph.keys()) if (!state.has(v)) visit(v);
  return found;
}

/** One concrete loop through a component, for the message. */
function loopThrough(graph, component) {
  const members = new Set(component);
  const path = [component[0]];
  const seen = new Set(path);
  for (;;) {
    const next = graph.get(path.at(-1)).find((w) => members.has(w));
    if (seen.has(next)) return [...path.slice(path.indexOf(next)), next];
    path.push(next);
    seen.add(next);
  }
}

let failed = false;
for (const pkg of readdirSync(join(root, 'packages'))) {
  const src = join(root, 'packages', pkg, 'src');
  if (!existsSync(src)) continue;
  const graph = new Map();
  for (const file of sourcesUnder(src))
    graph.set(
      file,
      valueImports(file).filter((t) => t !== TENSOR || file === TENSOR),
    );
  for (const component of cycles(graph)) {
    failed = true;
    const loop = loopThrough(graph, component).map((f) => relative(root, f));
    console.error(`import cycle in @kindling/${pkg} (${component.length} files): ${loop.join(' -> ')}`);
  }
}
if (failed) process.exit(1);
console.log('no import cycles (beyond Tensor <-> ops, which the design accepts)');
