/**
 * The WebAssembly backend's threads: workers (Node's worker_threads, a browser's Web Workers) that each
 * instantiate the kernels' module on the one shared memory, created once and kept. A parallel call is fork-join
 * through `Atomics` on a small shared control block: the caller writes the call's tasks, marks the workers that
 * take part with the new generation, bumps the generation and wakes them; then every participant, the caller
 * included, takes tasks from a shared counter until none is left, and the caller waits until every worker has
 * counted itself done. A call may have more tasks than threads: a thread slowed down (by the machine's other work,
 * or a browser tab's) then takes fewer of them instead of holding up the join.
 *
 * A task is a call of one exported kernel with numeric arguments (pointers into the shared memory and sizes); each
 * task has scratch of its own, so any thread may run any task and the results do not depend on who ran what.
 * Workers start asynchronously; a call uses only the workers that are ready, and a worker that fails to start is
 * left out, so a call never waits on a worker that will not come.
 */

/** One call of an exported kernel: its name and its arguments. */
export interface WasmTask {
  fn: string;
  args: number[];
}

const MAX_ARGS = 20;
/** The most tasks one call may have. */
export const MAX_TASKS = 64;
const GENERATION = 0;
const PENDING = 1;
/** The next task to take. */
const NEXT = 2;
/** How many tasks the call has. */
const TOTAL = 3;
/** ctl[READY + w]: 1 once worker w runs, -1 if it failed. */
const READY = 4;
const TASK = MAX_ARGS + 2;

/**
 * How long a worker, or the waiting caller, polls before it sleeps in `Atomics.wait`, in milliseconds. A training
 * step calls a parallel kernel every few hundred microseconds; waking a sleeping thread costs tens of microseconds
 * (more in a VM), twice a call (the worker's start, the caller's join). The native pool spins as long
 * (SPIN_NS in packages/native/src/threadpool.c): long enough for back-to-back kernels, short enough to hand the core
 * back to the garbage collector's threads between steps.
 */
const SPIN_MS = 0.2;

/**
 * The source every worker runs. args holds, per task, [fn, nargs, args...]; after the tasks, one number per
 * worker: the generation it takes part in (a worker that wakes late for an earlier call, or was left out, skips).
 */
const WORKER_SOURCE = `
function start(module, memory, ctlBuffer, argsBuffer, slot, names) {
  const ctl = new Int32Array(ctlBuffer);
  const args = new Float64Array(argsBuffer);
  const instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('abort'); } } });
  const fns = names.map((n) => instance.exports[n]);
  // The generation is read before announcing readiness: a call posted right after is then never missed.
  let seen = Atomics.load(ctl, ${GENERATION});
  Atomics.store(ctl, ${READY} + slot, 1);
  for (;;) {
    for (let spins = 0, until = performance.now() + ${SPIN_MS}; Atomics.load(ctl, ${GENERATION}) === seen; spins++)
      if ((spins & 63) === 63 && performance.now() > until) {
        Atomics.wait(ctl, ${GENERATION}, seen);
        break;
      }
    seen = Atomics.load(ctl, ${GENERATION});
    if (args[${MAX_TASKS * TASK} + slot] !== seen) continue;
    const total = Atomics.load(ctl, ${TOTAL});
    for (let k = Atomics.add(ctl, ${NEXT}, 1); k < total; k = Atomics.add(ctl, ${NEXT}, 1)) {
      const base = k * ${TASK};
      const n = args[base + 1];
      const a = [];
      for (let i = 0; i < n; i++) a.push(args[base + 2 + i]);
      fns[args[base]](...a);
    }
    if (Atomics.sub(ctl, ${PENDING}, 1) === 1) Atomics.notify(ctl, ${PENDING});
  }
}
`;

const NODE_BOOT = `${WORKER_SOURCE}
const { workerData } = process.getBuiltinModule('node:worker_threads');
start(workerData.module, workerData.memory, workerData.ctl, workerData.args, workerData.slot, workerData.names);
`;

const BROWSER_BOOT = `${WORKER_SOURCE}
self.onmessage = (e) => { const d = e.data; start(d.module, d.memory, d.ctl, d.args, d.slot, d.names); };
`;

interface NodeWorker {
  unref(): void;
  on(event: 'error', listener: (e: Error) => void): void;
}
interface NodeWorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;
}
interface BrowserWorker {
  postMessage(data: unknown): void;
  onerror: ((e: unknown) => void) | null;
}

function nodeWorkerThreads(): NodeWorkerThreads | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
}

/** Whether this environment can run workers over a shared memory (a page needs cross-origin isolation). */
export function threadsAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (nodeWorkerThreads() !== undefined) return true;
  return g.crossOriginIsolated === true && typeof g.Worker === 'function';
}

export class WasmThreadPool {
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly names: string[];
  /** Whether the caller may block in Atomics.wait (Node's main thread may; a browser's may not). */
  private readonly canBlock: boolean;
  readonly size: number;

  /** Starts `workers` workers on `module` over `memory`; `names` are the kernels a task may call. */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, workers: number, names: string[]) {
    this.size = workers;
    this.names = names;
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * (READY + workers)));
    this.args = new Float64Array(new SharedArrayBuffer(8 * (MAX_TASKS * TASK + workers))).fill(-1);
    const node = nodeWorkerThreads();
    this.canBlock = node !== undefined;
    for (let slot = 0; slot < workers; slot++) {
      const data = { module, memory, ctl: this.ctl.buffer, args: this.args.buffer, slot, names };
      if (node !== undefined) {
        const w = new node.Worker(NODE_BOOT, { eval: true, workerData: data });
        w.on('error', () => Atomics.store(this.ctl, READY + slot, -1));
        w.unref();
      } else {
        const url = URL.createObjectURL(new Blob([BROWSER_BOOT], { type: 'text/javascript' }));
        const w = new (globalThis as unknown as { Worker: new (url: string) => BrowserWorker }).Worker(url);
        w.onerror = () => Atomics.store(this.ctl, READY + slot, -1);
        w.postMessage(data);
      }
    }
  }

  /** The workers that can take a task now (in slot order). */
  readyWorkers(limit: number): number[] {
    const ready: number[] = [];
    for (let slot = 0; slot < this.size && ready.length < limit; slot++)
      if (Atomics.load(this.ctl, READY + slot) === 1) ready.push(slot);
    return ready;
  }

  /**
   * Runs every task, on the calling thread and the workers in `slots`, each taking the next task left until none
   * is; returns when all are done. `run` calls a kernel on the caller's instance. With `callerFirst`, the caller
   * runs it before taking any task, and the workers start at the second task: `callerFirst` runs the first one
   * (after work of its own, such as copying that task's operands in while the workers compute).
   */
  fork(tasks: WasmTask[], slots: number[], run: (task: WasmTask) => void, callerFirst?: () => void): void {
    if (tasks.length > MAX_TASKS)
      throw new RangeError(`a parallel call has at most ${MAX_TASKS} tasks, not ${tasks.length}`);
    const ctl = this.ctl;
    tasks.forEach((t, k) => {
      if (t.args.length > MAX_ARGS) throw new RangeError(`a task takes at most ${MAX_ARGS} arguments`);
      const base = k * TASK;
      this.args[base] = this.names.indexOf(t.fn);
      this.args[base + 1] = t.args.length;
      for (let i = 0; i < t.args.length; i++) this.args[base + 2 + i] = t.args[i];
    });
    const generation = Atomics.load(ctl, GENERATION) + 1;
    for (const slot of slots) this.args[MAX_TASKS * TASK + slot] = generation;
    Atomics.store(ctl, TOTAL, tasks.length);
    Atomics.store(ctl, NEXT, callerFirst === undefined ? 0 : 1);
    Atomics.store(ctl, PENDING, slots.length);
    Atomics.store(ctl, GENERATION, generation);
    Atomics.notify(ctl, GENERATION);
    callerFirst?.();
    for (let k = Atomics.add(ctl, NEXT, 1); k < tasks.length; k = Atomics.add(ctl, NEXT, 1)) run(tasks[k]);
    const until = performance.now() + SPIN_MS;
    for (let spins = 0; ; spins++) {
      const left = Atomics.load(ctl, PENDING);
      if (left === 0) return;
      if (this.canBlock && (spins & 63) === 63 && performance.now() > until) Atomics.wait(ctl, PENDING, left, 100);
      if ((spins & 1023) === 1023 || this.canBlock) {
        for (const slot of slots) {
          if (Atomics.load(ctl, READY + slot) === -1)
            throw new Error(`Kindling's WebAssembly worker ${slot} stopped during a kernel`);
        }
      }
    }
  }
}
