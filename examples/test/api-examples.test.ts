/**
 * Runs every `@example` in the doc comments of the packages' sources (the API reference) and checks that it prints
 * the output shown under it, so the reference cannot drift from what Kindling does; and type-checks each one
 * against the packages, so that it compiles as written.
 *
 * The convention, in a doc comment:
 *
 *   @example
 *   ```ts
 *   const x = torch.tensor([[1, 2], [3, 4]]);
 *   console.log(x.sum(1));
 *   ```
 *   ```text
 *   tensor([3, 7])
 *   ```
 *
 * A `ts` block followed by a `text` block is one program and everything it prints with `console.log`. `torch`
 * (`@kindling/core`) and `nn` (`@kindling/nn`'s namespace) are in scope; anything else the example imports itself
 * (`import { SGD } from '@kindling/optim'`), so that it can be copied as it stands. Top-level `await` is allowed.
 * Every `@example` must have its output block.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import * as kindlingNn from '@kindling/nn';
import * as kindlingOptim from '@kindling/optim';
import * as kindlingData from '@kindling/data';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const modules: Record<string, unknown> = {
  '@kindling/core': torch,
  '@kindling/nn': kindlingNn,
  '@kindling/optim': kindlingOptim,
  '@kindling/data': kindlingData,
};

interface Example {
  where: string;
  code: string;
  output: string | null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The declaration a doc comment documents: the first identifier on the line after it. */
function declarationAfter(text: string, end: number): string {
  const next =
    text
      .slice(end)
      .split('\n')
      .find((l) => l.trim() !== '' && !l.trim().startsWith('//')) ?? '';
  const m =
    /^\s*(?:export\s+)?(?:(?:declare|abstract|static|readonly|async|get|set|const|let|function|class|interface|type|override)\s+)*\*?\s*(\[[^\]]+\]|[\w$]+)/.exec(
      next,
    );
  return m ? m[1] : '?';
}

/** Every `@example` of every doc comment in `file`. */
export function examplesOf(file: string): Example[] {
  const text = readFileSync(file, 'utf8');
  const found: Example[] = [];
  for (const c of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    if (!c[0].includes('@example')) continue;
    const lines = c[0]
      .slice(3, -2)
      .split('\n')
      .map((l) => l.replace(/^\s*\* ?/, ''));
    const body = lines.join('\n');
    const line = text.slice(0, c.index).split('\n').length;
    const where = `${relative(root, file)}:${line} ${declarationAfter(text, (c.index ?? 0) + c[0].length)}`;
    // Each @example runs to the next block tag.
    for (const section of body.split(/^@example\b/m).slice(1)) {
      const tagged = section.split(/^@\w+/m)[0];
      const m = /```ts\n([\s\S]*?)```\s*(?:```text\n([\s\S]*?)```)?/.exec(tagged);
      found.push({ where, code: m?.[1] ?? '', output: m?.[2] === undefined ? null : m[2].replace(/\n$/, '') });
    }
  }
  return found;
}

/** Runs an example's program and returns what it printed, one string per `console.log` line. */
export async function run(code: string): Promise<string> {
  const js = ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: false },
  }).outputText;
  const lines: string[] = [];
  const fakeConsole = { log: (...args: unknown[]) => void lines.push(format(...args)) };
  const require = (name: string): unknown => {
    if (!(name in modules)) throw new Error(`an example may import only the Kindling packages, not '${name}'`);
    return modules[name];
  };
  const asyncPrototype = Object.getPrototypeOf(async () => {
    await Promise.resolve();
  }) as { constructor: new (...args: string[]) => (...a: unknown[]) => Promise<void> };
  const AsyncFunction = asyncPrototype.constructor;
  const gradMode = torch.isGradEnabled();
  torch.manualSeed(0);
  try {
    await new AsyncFunction('require', 'exports', 'console', 'torch', 'nn', js)(
      require,
      {},
      fakeConsole,
      torch,
      kindlingNn.nn,
    );
  } finally {
    torch.setGradEnabled(gradMode);
  }
  return lines.join('\n');
}

/** The examples' type errors: each example is a module of its own under examples/, with `torch` and `nn` imported. */
function typeErrors(examples: Example[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('tsconfig.json could not be read');
  const prelude = "import * as torch from '@kindling/core';\nimport { nn } from '@kindling/nn';\nexport {};\n";
  const files = new Map(
    examples.map((e, i) => [
      join(root, 'examples', `__api_example_${i}.ts`),
      { where: e.where, source: prelude + e.code },
    ]),
  );
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (f) => files.get(f)?.source ?? readFile(f);
  host.fileExists = (f) => files.has(f) || fileExists(f);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, create) => {
    const e = files.get(f);
    return e !== undefined ? ts.createSourceFile(f, e.source, lang, true) : getSourceFile(f, lang, onError, create);
  };
  const program = ts.createProgram([...files.keys()], { ...config.options, noEmit: true, noUnusedLocals: false }, host);
  return [...files].flatMap(([file, e]) => {
    const source = program.getSourceFile(file);
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
      const line = d.start !== undefined && d.file ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      return `${e.where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')} — \`${e.source.split('\n')[line]?.trim() ?? ''}\``;
    });
  });
}

const packages = ['core', 'nn', 'optim', 'data'];
const all = packages.flatMap((p) => sourceFiles(join(root, 'packages', p, 'src')).flatMap(examplesOf));

describe('the @example blocks of the API reference', () => {
  it('has its examples, each with a program and its output', () => {
    expect(all.length).toBeGreaterThanOrEqual(60);
    expect(all.filter((e) => e.code === '' || e.output === null).map((e) => e.where)).toEqual([]);
  });

  it('type-checks every example against the packages', () => {
    const errors = typeErrors(all);
    expect(errors, errors.join('\n')).toEqual([]);
  }, 120_000);

  for (const e of all) {
    it(`${e.where} prints what its example shows`, async () => {
      expect(await run(e.code)).toBe(e.output);
    });
  }
});
