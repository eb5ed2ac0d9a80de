/** Module printing, as PyTorch's `Module.__repr__`. */
import type { Module } from './module.js';

function addIndent(s: string, spaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}

export function moduleRepr(m: Module): string {
  const extra = m.extraRepr();
  const extraLines = extra ? extra.split('\n') : [];
  const childLines: string[] = [];
  for (const [key, child] of m._modules) {
    childLines.push(`(${key}): ${addIndent(child ? child.toString() : 'None', 2)}`);
  }
  const lines = [...extraLines, ...childLines];
  let main = `${m.constructor.name}(`;
  if (lines.length > 0) {
    if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
    else main += `\n  ${lines.join('\n  ')}\n`;
  }
  return `${main})`;
}
