/**
 * The backward engine. It counts, for every node reachable from the roots, how many edges lead into it, then
 * runs nodes from a ready queue (later-created first, as PyTorch's CPU engine) once all of their consumers have
 * delivered their gradients. It is iterative: a graph of any depth runs without growing the JS stack.
 */
import type { Tensor } from '../tensor.js';
import { RuntimeError } from '../errors.js';
import { setGradEnabled } from './grad-mode.js';
import { AccumulateGrad, ownsItsStorage } from './accumulate.js';
import { mayShareStorage, poolable, releaseStorage } from '../storage-pool.js';
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

let nextRunId = 1;
let runsInProgress = 0;

/**
 * A run's per-node bookkeeping: the edges still to deliver and the gradients delivered so far. It lives on the
 * nodes themselves (no map lookups per edge), stamped with the run's id; a backward started from inside another
 * one (a hook, a custom Function's backward) may share nodes with it, so a nested run keeps its own maps.
 */
class GraphTask {
  readonly id = nextRunId++;
  private readonly pending: Map<Node, number> | null;
  private readonly buffers: Map<Node, (Tensor | null)[]> | null;
  /**
   * Whether gradients this run alone holds may go back to the storage pool once consumed. Never while the
   * gradients' own graph is recorded (create_graph): later nodes save them.
   */
  private readonly recycles: boolean;
  /**
   * Which of a node's incoming gradients this run owned as it ran the node's formula (`noteOwned`, one array reused
   * node after node): a formula's view of one of them is then fresh too (FunctionNode.ownsGradient).
   */
  readonly ownedGrads: boolean[] = [];

  constructor(nested: boolean, createGraph: boolean) {
    this.pending = nested ? new Map() : null;
    this.buffers = nested ? new Map() : null;
    this.recycles = !createGraph;
  }

  /**
   * Marks a gradient that nothing outside this run holds: a fresh result of a built-in formula (see
   * Node.ownsGradient) or a sum the engine made. The mark is dropped as soon as anyone else may see it.
   */
  own(g: Tensor): void {
    g._ownedByRun = this.id;
  }

  owns(g: Tensor): boolean {
    return g._ownedByRun === this.id;
  }

  noteOwned(grads: readonly (Tensor | null)[]): void {
    this.ownedGrads.length = grads.length;
    for (let i = 0; i < grads.length; i++) this.ownedGrads[i] = grads[i] !== null && this.owns(grads[i] as Tensor);
  }

  disown(grads: readonly (Tensor | null)[]): void {
    for (const g of grads) if (g) g._ownedByRun = 0;
  }

  /** Gives an owned gradient's storage back for reuse: the caller has consumed it and kept no view of it. */
  recycle(g: Tensor): void {
    if (!this.owns(g)) return;
    g._ownedByRun = 0;
    if (this.recycles && poolable(g._array) && ownsItsStorage(g)) releaseStorage(g._array);
  }

  /**
   * After a built-in formula ran: each owned input gradient is dead unless a returned gradient shares its
   * storage (a pass-through or a view of it).
   */
  recycleConsumed(grads: readonly (Tensor | null)[], outputs: readonly (Tensor | null)[]): void {
    for (const g of grads) {
      if (!g || !this.owns(g)) continue;
      let aliased = false;
      for (const o of outputs) if (o !== null && mayShareStorage(o._array, g._array)) aliased = true;
      if (aliased) g._ownedByRun = 0;
      else this.recycle(g);
    }
  }

  /** Marks `node` reached; false when it already was. */
  visit(node: Node): boolean {
    if (this.pending !== null) {
      if (this.pending.has(node)) return false;
      this.pending.set(node, 0);
      return true;
    }
    if (node._runId === this.id) return false;
    node._runId = this.id;
    node._pending = 0;
    node._inputBuffer = null;
    return true;
  }

  /** Adds `delta` to the node's count of edges still to deliver; returns the new count. */
  countEdge(node: Node, delta: number): number {
    if (this.pending !== null) {
      const left = (this.pending.get(node) ?? 0) + delta;
      this.pending.set(node, left);
      return left;
    }
    return (node._pending += delta);
  }

  /** Adds a gradient into the node's buffer slot, summing with what arrived before. */
  deliver(edge: Edge, g: Tensor, owned: boolean): void {
    const node = edge.node;
    let buf = this.buffers !== null ? (this.buffers.get(node) ?? null) : node._inputBuffer;
    if (buf === null) {
      buf = new Array<Tensor | null>(node.outputMeta.length).fill(null);
      if (this.buffers !== null) this.buffers.set(node, buf);
      else node._inputBuffer = buf;
    }
    const prev = buf[edge.inputNr];
    if (prev) {
      // A sum is fresh; the two it was made from are dead if only this run held them.
      const sum = prev.add(g);
      this.recycle(prev);
      if (owned) this.own(g);
      this.recycle(g);
      this.own(sum);
      buf[edge.inputNr] = sum;
    } else {
      // A single gradient is fresh when its producer said so.
      if (owned) this.own(g);
      buf[edge.inputNr] = g;
    }
  }

  /** The node's gradients, taken out of the run (empty when none arrived). */
  take(node: Node): (Tensor | null)[] {
    let buf: (Tensor | null)[] | null;
    if (this.buffers !== null) {
      buf = this.buffers.get(node) ?? null;
      this.buffers.delete(node);
    } else {
      buf = node._inputBuffer;
      node._inputBuffer = null;
    }
    return buf ?? [];
  }
}

export function runBackward(
  roots: readonly Edge[],
  rootGrads: readonly Tensor[],
  opts: EngineOptions,
): (Tensor | null)[] {
  const task = new GraphTask(runsInProgress > 0, opts.createGraph);
  runsInProgress++;
  try {
    return execute(task, roots, rootGrads, opts);
  } finally {
    runsInProgress--;
  }
}

function execute(
  task: GraphTask,
  roots: readonly Edge[],
  rootGrads: readonly Tensor[],
  opts: EngineOptions,
): (Tensor | null)[] {
  countDependencies(task, roots);
  const needed = opts.inputs ? neededNodes(roots, opts.inputs) : null;
  const captured: (Tensor | null)[] = opts.inputs ? opts.inputs.map(() => null) : [];
  const captureAt = new Map<Node, { inputNr: number; index: number }[]>();
  opts.inputs?.forEach((e, index) => {
    const list = captureAt.get(e.node) ?? [];
    list.push({ inputNr: e.inputNr, index });
    captureAt.set(e.node, list);
  });

  const queue = new ReadyQueue();
  using _mode = setGradEnabled(opts.createGraph);
  roots.forEach((edge, i) => task.deliver(edge, rootGrads[i], false));
  for (const node of new Set(roots.map((e) => e.node))) if (task.countEdge(node, 0) === 0) queue.push(node);

  while (queue.size > 0) {
    const node = queue.pop();
    const grads = task.take(node);
    const accumulates = node instanceof AccumulateGrad;
    if (node.hasHooks) {
      // A hook may keep the gradient, or replace it with one of its own.
      task.disown(grads);
      runTensorHooks(node, grads);
    }
    const captures = captureAt.size > 0 ? captureAt.get(node) : undefined;
    if (captures) {
      task.disown(grads);
      for (const c of captures) captured[c.index] = grads[c.inputNr] ?? null;
    }
    const execute = (needed === null || needed.has(node)) && !(opts.capture && captures && accumulates);
    let outputs: (Tensor | null)[] | null = null;
    if (execute && anyGradient(grads)) {
      if (accumulates) {
        const g = grads[0] as Tensor;
        if (!node.accumulate(g, task.owns(g))) task.recycle(g);
      } else {
        task.noteOwned(grads);
        outputs = node.apply(grads);
        validateOutputs(node, outputs);
        if (node.keepsNoGradients) task.recycleConsumed(grads, outputs);
      }
    }
    task.disown(grads);
    if (!opts.retainGraph) node.release();
    const edges = node.nextEdges;
    for (let i = 0; i < edges.length; i++) {
      const edge = edges[i];
      if (edge === null) continue;
      const g = outputs !== null ? outputs[i] : null;
      if (g) task.deliver(edge, g, node.ownsGradient(outputs as (Tensor | null)[], i, grads, task.ownedGrads));
      if (task.countEdge(edge.node, -1) === 0) queue.push(edge.node);
    }
  }
  return captured;
}

function anyGradient(grads: readonly (Tensor | null)[]): boolean {
  for (const g of grads) if (g) return true;
  return false;
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
  for (let i = 0; i < outputs.length; i++) {
    const g = outputs[i];
    const meta = node.inputMeta[i];
    if (!g || !meta) continue;
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
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `shape` broadcasts to `target`. */
function expandable(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  return shape.every((s, i) => s === 1 || s === target[lead + i]);
}

/** Counts, for every node reachable from the roots, the edges that lead into it. */
function countDependencies(task: GraphTask, roots: readonly Edge[]): void {
  const stack: Node[] = [];
  for (const r of roots) if (task.visit(r.node)) stack.push(r.node);
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    for (const e of node.nextEdges) {
      if (!e) continue;
      if (task.visit(e.node)) stack.push(e.node);
      task.countEdge(e.node, 1);
    }
  }
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
      const t = h[p];
      h[p] = h[i];
      h[i] = t;
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
        const t = h[m];
        h[m] = h[i];
        h[i] = t;
        i = m;
      }
    }
    return top;
  }
}

export { gradientEdge };
