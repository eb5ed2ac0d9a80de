/** Walking the containers a sample or a batch is made of: arrays, Maps and plain objects (Python's lists and dicts). */
import * as torch from '@kindling/core';

/**
 * `value` with each leaf replaced by `convert(leaf)`: arrays, Maps and plain objects are rebuilt around their
 * converted elements, anything else (and whatever `isLeaf` claims, containers included) is a leaf.
 */
export function mapNested(
  value: unknown,
  convert: (leaf: unknown) => unknown,
  isLeaf: (x: unknown) => boolean = () => false,
): unknown {
  const walk = (x: unknown): unknown => {
    if (isLeaf(x)) return convert(x);
    if (Array.isArray(x)) return x.map(walk);
    if (x instanceof Map) return new Map([...x].map(([k, v]) => [k, walk(v)]));
    if (torch.compat.isOptionsObject(x)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x)) out[k] = walk(v);
      return out;
    }
    return convert(x);
  };
  return walk(value);
}
