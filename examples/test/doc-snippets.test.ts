/**
 * Type-checks every TypeScript snippet in the READMEs and docs/ against the packages' sources, so that the code
 * users copy compiles as written. Each ```ts block is checked as its own module: its imports, then the page's
 * context (an `<!-- ts-context ... -->` comment in the page declaring what its snippets take as given, such as
 * `model` or `x`), then the block itself inside braces, so that a name a block declares may shadow the context's.
 * `torch` is `@kindling/core` unless the page imports it otherwise. A block that only sketches (with `...` for
 * elided code) is fenced as `ts sketch` and not checked.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const pages = [
  'README.md',
  ...readdirSync(join(root, 'packages')).map((p) => join('packages', p, 'README.md')),
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
  join('templates', 'node-app', 'README.md'),
].filter((p) => existsSync(join(root, p)));

interface Snippet {
  page: string;
  line: number;
  source: string;
}

const IMPORT = /^import\s[\s\S]*?from\s+['"][^'"]+['"];?\s*$/gm;

function snippetsOf(page: string): Snippet[] {
  const text = readFileSync(join(root, page), 'utf8');
  const context = /<!--\s*ts-context\s*([\s\S]*?)-->/.exec(text)?.[1] ?? '';
  const blocks = [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)];
  // Every import of the page, so that a block may use what an earlier block imported.
  const pageImports = new Set(blocks.flatMap((b) => b[1].match(IMPORT) ?? []).map((i) => i.trim()));
  // `torch` is core wherever a page does not say otherwise (pages that only call torch.* do not import it).
  if (![...pageImports].some((i) => /\btorch\b/.test(i.split(' from ')[0])))
    pageImports.add("import * as torch from '@kindling/core';");
  return blocks.map((b) => {
    const body = b[1].replace(IMPORT, '').replace(/^export (?=class|function|const|interface|type)/gm, '');
    const line = text.slice(0, b.index).split('\n').length + 1;
    return { page, line, source: `${[...pageImports].join('\n')}\n${context}\nexport {};\n{\n${body}\n}\n` };
  });
}

function typeErrors(snippets: Snippet[]): string[] {
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
  // The virtual files live in examples/, where the workspace packages resolve as they do for the examples.
  const files = new Map(snippets.map((s, i) => [join(root, 'examples', `__snippet_${i}.ts`), s]));
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (f) => files.get(f)?.source ?? readFile(f);
  host.fileExists = (f) => files.has(f) || fileExists(f);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, create) => {
    const s = files.get(f);
    return s !== undefined ? ts.createSourceFile(f, s.source, lang, true) : getSourceFile(f, lang, onError, create);
  };
  const program = ts.createProgram([...files.keys()], { ...config.options, noEmit: true, noUnusedLocals: false }, host);
  const errors: string[] = [];
  for (const [file, s] of files) {
    const source = program.getSourceFile(file);
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const at = d.start !== undefined && d.file ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      const text = s.source.split('\n')[at]?.trim() ?? '';
      errors.push(
        `${s.page} (block at line ${s.line}): ${ts.flattenDiagnosticMessageText(d.messageText, ' ')} — \`${text}\``,
      );
    }
  }
  return errors;
}

describe('documentation snippets', () => {
  it('every ```ts block of the READMEs and docs/ type-checks against the packages', () => {
    const snippets = pages.flatMap(snippetsOf);
    expect(snippets.length).toBeGreaterThan(40);
    const errors = typeErrors(snippets);
    expect(errors, errors.join('\n')).toEqual([]);
  }, 120_000);
});
