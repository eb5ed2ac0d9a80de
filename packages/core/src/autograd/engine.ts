/**
 * The backward engine. It counts, for every node reachable from the roots, how many edges lead into it, then
 * runs nodes from a ready queue (later-created first, as PyTorch's CPU engine) once all of their consumers have
 * delivered their gradients. It is iterative: a graph of any depth runs without growing the JS stack.
 */
import type { Tensor } from '../tensor.js';
import { RuntimeError } from '../errors.js';
import { setGradEnabled } from './grad-mode.js';
import { AccumulateGrad } from './accumulate.js';
import { gradientEdge } from './record.js';
import type { Edge, Node } from './node.js';

export interface EngineOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** `autograd.grad` and `backward({ inputs })`: only the paths to these edges run. */
  inputs?: readonly Edge[];
  /** true for `autograd.grad`: the gradients at `inputs` are returned, not accumulated into `.grad`. */
  capture?: boolean;
}

export function runBackward(roots: readonly Edge[], rootGrads: readonly Tensor[], opts: EngineOptions): (Tensor | null)[] {
  const dependencies = countDependencies(roots);
  const needed = opts.inputs ? neededNodes(roots, opts.inputs) : null;
  const captured: (Tensor | null)[] = opts.inputs ? opts.inputs.map(() => null) : [];
  const captureAt = new Map<Node, { inputNr: number; index: number }[]>();
  opts.inputs?.forEach((e, index) => {
    const list = captureAt.get(e.node) ?? [];
    list.push({ inputNr: e.inputNr, index });
    captureAt.set(e.node, list);
  });

  const buffers = new Map<Node, (Tensor | null)[]>();
  const queue = new ReadyQueue();
  const add = (edge: Edge, g: Tensor): void => {
    let buf = buffers.get(edge.node);
    if (!buf) {
      buf = new Array<Tensor | null>(edge.node.outputMeta.length).fill(null);
      buffers.set(edge.node, buf);
    }
    const prev = buf[edge.inputNr];
    buf[edge.inputNr] = prev ? prev.add(g) : g;
  };

  using _mode = setGradEnabled(opts.createGraph);
  roots.forEach((edge, i) => add(edge, rootGrads[i]));
  for (const edge of new Set(roots.map((e) => e.node))) if ((dependencies.get(edge) ?? 0) === 0) queue.push(edge);

  while (queue.size > 0) {
    const node = queue.pop();
    const grads = buffers.get(node) ?? [];
    buffers.delete(node);
    runTensorHooks(node, grads);
    const captures = captureAt.get(node);
    if (captures) {
      for (const c of captures) captured[c.index] = grads[c.inputNr] ?? null;
    }
    const execute = (needed === null || needed.has(node)) && !(opts.capture && captures && node instanceof AccumulateGrad);
    let outputs: (Tensor | null)[] = [];
    if (execute && grads.some((g) => g)) {
      outputs = node.apply(grads);
      validateOutputs(node, outputs);
    }
    if (!opts.retainGraph) node.release();
    node.nextEdges.forEach((edge, i) => {
      if (!edge) return;
      const g = outputs[i];
      if (g) add(edge, g);
      const left = (dependencies.get(edge.node) as number) - 1;
      dependencies.set(edge.node, left);
      if (left === 0) queue.push(edge.node);
    });
  }
  return captured;
}

function runTensorHooks(node: Node, grads: (Tensor | null)[]): void {
  for (const [nr, hooks] of node.tensorHooks) {
    for (const hook of hooks.values()) {
      const g = grads[nr];
      if (!g) break;
      const replaced = hook(g);
      if (replaced) grads[nr] = replaced;
    }
  }
  for (const [nr, hook] of node.retainGradHooks) {
    const g = grads[nr];
    if (g) hook(g);
  }
}

/** PyTorch's validate_outputs: a gradient of a broadcast input is summed back to its shape; dtypes are cast. */
function validateOutputs(node: Node, outputs: (Tensor | null)[]): void {
  if (outputs.length !== node.nextEdges.length) {
    throw new RuntimeError(
      `function ${node.name()} returned an incorrect number of gradients (expected ${node.nextEdges.length}, got ${outputs.length})`,
    );
  }
  outputs.forEach((g, i) => {
    const meta = node.inputMeta[i];
    if (!g || !meta) return;
    let out = g;
    if (!sameShape(out.shape, meta.shape)) {
      if (!expandable(meta.shape, out.shape)) {
        throw new RuntimeError(
          `Function ${node.name()} returned an invalid gradient at index ${i} - got [${out.shape.join(', ')}] but expected shape compatible with [${meta.shape.join(', ')}]`,
        );
      }
      out = out.sumToSize(meta.shape);
    }
    if (out.dtype !== meta.dtype) out = out.to(meta.dtype);
    if (node.anomalyTrace !== null && out.isnan().any().item()) {
      throw new RuntimeError(
        `Function '${node.name()}' returned nan values in its ${i}th output.\nTraceback of forward call that caused the error:\n${node.anomalyTrace}`,
      );
    }
    outputs[i] = out;
  });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** Whether `shape` broadcasts to `target`. */
function expandable(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  return shape.every((s, i) => s === 1 || s === target[lead + i]);
}

function countDependencies(roots: readonly Edge[]): Map<Node, number> {
  const deps = new Map<Node, number>();
  const seen = new Set<Node>();
  const stack: Node[] = [];
  for (const r of roots) {
    if (!seen.has(r.node)) {
      seen.add(r.node);
      stack.push(r.node);
    }
  }
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    for (const e of node.nextEdges) {
      if (!e) continue;
      deps.set(e.node, (deps.get(e.node) ?? 0) + 1);
      if (!seen.has(e.node)) {
        seen.add(e.node);
        stack.push(e.node);
      }
    }
  }
  return deps;
}

/** Nodes that lie on some path from a root to one of the input edges. */
function neededNodes(roots: readonly Edge[], inputs: readonly Edge[]): Set<Node> {
  const targets = new Set(inputs.map((e) => e.node));
  // Reverse adjacency over the reachable graph, then walk back from the targets.
  const parents = new Map<Node, Node[]>();
  const seen = new Set<Node>(roots.map((r) => r.node));
  const stack = [...seen];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    for (const e of node.nextEdges) {
      if (!e) continue;
      const list = parents.get(e.node) ?? [];
      list.push(node);
      parents.set(e.node, list);
      if (!seen.has(e.node)) {
        seen.add(e.node);
        stack.push(e.node);
      }
    }
  }
  const needed = new Set<Node>();
  const walk = [...targets].filter((t) => seen.has(t));
  for (const t of walk) needed.add(t);
  while (walk.length > 0) {
    const node = walk.pop() as Node;
    for (const p of parents.get(node) ?? []) {
      if (!needed.has(p)) {
        needed.add(p);
        walk.push(p);
      }
    }
  }
  return needed;
}

/** A max-heap on sequence numbers. */
class ReadyQueue {
  private heap: Node[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(node: Node): void {
    const h = this.heap;
    h.push(node);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].sequenceNr >= h[i].sequenceNr) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  pop(): Node {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as Node;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].sequenceNr > h[m].sequenceNr) m = l;
        if (r < h.length && h[r].sequenceNr > h[m].sequenceNr) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}

export { gradientEdge };
