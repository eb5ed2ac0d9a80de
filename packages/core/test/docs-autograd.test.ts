/**
 * Runs every program in docs/autograd.md and checks that it prints the output shown under it, so the page
 * cannot drift from what Kindling does. A `ts` block followed by a `text` block is one program and its output.
 */
import { readFileSync } from 'node:fs';
import { format } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

const page = readFileSync(new URL('../../../docs/autograd.md', import.meta.url), 'utf8');

interface Program {
  heading: string;
  code: string;
  output: string;
}

function programs(markdown: string): Program[] {
  const found: Program[] = [];
  const block = /^## (.*)$|```ts\n((?:(?!```)[\s\S])*)```\n+```text\n((?:(?!```)[\s\S])*)```/gm;
  let heading = '(top)';
  for (const m of markdown.matchAll(block)) {
    if (m[1] !== undefined) heading = m[1];
    else found.push({ heading, code: m[2], output: m[3].replace(/\n$/, '') });
  }
  return found;
}

function run(code: string): string {
  const js = ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, lib: ['lib.esnext.d.ts'] },
  }).outputText;
  const lines: string[] = [];
  const fakeConsole = { log: (...args: unknown[]) => void lines.push(format(...args)) };
  const before = torch.isGradEnabled();
  try {
    // The page's programs, compiled above, run as the user would run them.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const program = new Function('torch', 'console', js) as (t: typeof torch, c: typeof fakeConsole) => void;
    program(torch, fakeConsole);
  } finally {
    torch.setGradEnabled(before);
  }
  return lines.join('\n');
}

describe('docs/autograd.md', () => {
  const all = programs(page);

  it('has its programs', () => {
    expect(all.length).toBeGreaterThanOrEqual(20);
  });

  all.forEach((p, i) => {
    it(`${p.heading} #${i + 1} prints what the page shows`, () => {
      expect(run(p.code)).toBe(p.output);
    });
  });
});
