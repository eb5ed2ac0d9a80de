/**
 * Background loading on worker threads (Node.js). Each worker re-creates the dataset from a module (a class or
 * factory export plus arguments, see `WorkerDatasetSpec`), loads the batches it is given and sends them back
 * with their buffers transferred. Batch k goes to worker k % numWorkers, at most `prefetchFactor` batches per
 * worker are in flight, and batches are yielded in sampler order, so results do not depend on timing.
 *
 * `node:worker_threads` is reached through `process.getBuiltinModule` only when workers start, so importing
 * the package stays browser-safe.
 */
import { IndexError, RuntimeError, TorchTypeError, ValueError } from './errors.js';
import { decode, type EncodedError } from './transfer.js';

/** Where a worker finds its copy of the dataset. */
export interface WorkerDatasetSpec {
  /** The module: a URL (`new URL('./my-dataset.ts', import.meta.url)`) or an absolute file path. */
  module: string | URL;
  /** The export to use: a Dataset class (constructed with `new`) or a function returning a dataset. Default 'default'. */
  exportName?: string;
  /** Arguments for the constructor or function; they must survive structured cloning (no functions, no tensors). */
  args?: readonly unknown[];
}

/** What a worker returns for a task: a collated batch, the raw samples, or one (converted) sample. */
export type WorkerMode = 'collate' | 'samples' | 'convert' | 'sample';

interface NodeWorker {
  postMessage(value: unknown): void;
  on(event: 'message', fn: (msg: WorkerReply) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  on(event: 'exit', fn: (code: number) => void): void;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

interface WorkerThreadsModule {
  Worker: new (code: string, options: { eval: true; workerData: unknown; execArgv: string[] }) => NodeWorker;
}

type WorkerReply =
  | { type: 'ready' }
  | { type: 'fatal'; error: EncodedError }
  | { type: 'result'; task: number; value: unknown }
  | { type: 'error'; task: number; error: EncodedError };

interface NodeProcess {
  execArgv?: string[];
  getBuiltinModule?: (id: string) => unknown;
}

function builtin<M>(id: string): M {
  const proc = (globalThis as unknown as { process?: NodeProcess }).process;
  const mod = typeof proc?.getBuiltinModule === 'function' ? proc.getBuiltinModule(id) : undefined;
  if (mod === undefined) {
    throw new RuntimeError('DataLoader workers need Node.js worker threads (Node >= 20.16); use numWorkers: 0 here');
  }
  return mod as M;
}

/** The bootstrap each worker runs: register the TypeScript loader when needed, then load the worker entry. */
const BOOTSTRAP = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  if (workerData.tsLoader) (await import(workerData.tsLoader)).register();
  await import(workerData.entry);
})().catch((e) => parentPort.postMessage({ type: 'fatal', error: { name: e && e.name || 'Error', message: String(e && e.message || e), stack: String(e && e.stack || e) } }));
`;

const TS_FILE = /\.[cm]?tsx?$/;

function moduleHref(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  const url = builtin<{ pathToFileURL(p: string): URL }>('node:url');
  const path = builtin<{ isAbsolute(p: string): boolean }>('node:path');
  if (!path.isAbsolute(module)) {
    throw new ValueError(
      `worker module must be a URL or an absolute path (e.g. new URL('./my-dataset.ts', import.meta.url)), but got '${module}'`,
    );
  }
  return url.pathToFileURL(module).href;
}

/** The file URL of a package path as this module's directory resolves it; throws when it does not resolve. */
function resolveFromHere(id: string): string {
  const { createRequire } = builtin<{ createRequire: (from: string) => { resolve(id: string): string } }>(
    'node:module',
  );
  const url = builtin<{ pathToFileURL(p: string): URL }>('node:url');
  return url.pathToFileURL(createRequire(import.meta.url).resolve(id)).href;
}

/**
 * The module each worker runs first: worker-entry beside this one (in the package's sources or its dist), or,
 * when this code was bundled into a program and has none beside it, the installed @kindling/data's, as the
 * program's directory resolves '@kindling/data/worker-entry'.
 */
function workerEntry(): string {
  const beside = new URL(TS_FILE.test(import.meta.url) ? './worker-entry.ts' : './worker-entry.js', import.meta.url);
  if (builtin<{ existsSync(path: URL): boolean }>('node:fs').existsSync(beside)) return beside.href;
  try {
    return resolveFromHere('@kindling/data/worker-entry');
  } catch (e) {
    throw new RuntimeError(
      `DataLoader workers start from @kindling/data's worker-entry module, which is not beside this code ` +
        `(${beside.href}: a bundled program?) and '@kindling/data/worker-entry' does not resolve from it: ` +
        'install @kindling/data where the program runs, or use numWorkers: 0',
      { cause: e },
    );
  }
}

/** The tsx loader's register() module, when workers must load TypeScript; a clear error when it is missing. */
function typeScriptLoader(): string {
  try {
    return resolveFromHere('tsx/esm/api');
  } catch (e) {
    throw new RuntimeError(
      'DataLoader workers that load TypeScript modules need the tsx package (npm install -D tsx), ' +
        'or point the worker module at JavaScript',
      { cause: e },
    );
  }
}

/**
 * Starts a worker with the parent's command-line options. Node refuses V8 and process-wide options in a worker's
 * execArgv (`node --max-old-space-size=4096 train.js`); they apply to every thread anyway, so they are dropped.
 */
function spawn(Worker: WorkerThreadsModule['Worker'], workerData: unknown, execArgv: string[]): NodeWorker {
  try {
    return new Worker(BOOTSTRAP, { eval: true, workerData, execArgv });
  } catch (e) {
    const message = e instanceof Error ? e.message : '';
    if ((e as { code?: unknown }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    const invalid = new Set(
      message
        .slice(message.indexOf(':') + 1)
        .split(',')
        .map((f) => f.trim()),
    );
    const kept = execArgv.filter((arg) => !invalid.has(arg) && !invalid.has(arg.split('=')[0]));
    if (kept.length === execArgv.length) throw e;
    return new Worker(BOOTSTRAP, { eval: true, workerData, execArgv: kept });
  }
}

/** A worker's error rebuilt in the main thread, as PyTorch's ExceptionWrapper.reraise does. */
function rebuildError(e: EncodedError, workerId: number): Error {
  const message = `Caught ${e.name} in DataLoader worker ${workerId}.\nOriginal ${e.stack}`;
  const classes: Record<string, new (message: string) => Error> = {
    RuntimeError,
    ValueError,
    IndexError,
    TypeError: TorchTypeError,
  };
  const Ctor = classes[e.name] ?? Error;
  const err = new Ctor(message);
  if (err.name !== e.name) err.name = e.name;
  return err;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/** A set of worker threads holding copies of one dataset. */
export class WorkerPool {
  private readonly pending = new Map<number, Pending>();
  private nextTask = 0;
  private failure: Error | null = null;
  private closed = false;
  /** The workers were seeded for their first epoch when they started. */
  private fresh = true;

  private constructor(private readonly workers: NodeWorker[]) {}

  /** Starts `numWorkers` threads, each seeding its generator with baseSeed + id and then building the dataset. */
  static async start(spec: WorkerDatasetSpec, numWorkers: number, baseSeed: number): Promise<WorkerPool> {
    const { Worker } = builtin<WorkerThreadsModule>('node:worker_threads');
    const proc = (globalThis as unknown as { process: NodeProcess }).process;
    const entry = workerEntry();
    const sourceMode = TS_FILE.test(entry);
    const module = moduleHref(spec.module);
    const tsLoader = sourceMode || TS_FILE.test(module) ? typeScriptLoader() : null;
    const execArgv = [...(proc.execArgv ?? [])];
    if (sourceMode && !execArgv.includes('--conditions=source')) execArgv.push('--conditions=source');
    const workers: NodeWorker[] = [];
    const ready: Promise<void>[] = [];
    for (let id = 0; id < numWorkers; id++) {
      const workerData = {
        entry,
        tsLoader,
        module,
        exportName: spec.exportName ?? 'default',
        args: spec.args ?? [],
        id,
        numWorkers,
        seed: baseSeed + id,
      };
      const worker = spawn(Worker, workerData, execArgv);
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.on('message', (msg) => {
            if (msg.type === 'ready') resolve();
            else if (msg.type === 'fatal') reject(rebuildError(msg.error, id));
          });
          worker.on('error', (err) => reject(err));
          worker.on('exit', (code) =>
            reject(new RuntimeError(`DataLoader worker ${id} exited during start-up (code ${code})`)),
          );
        }),
      );
    }
    const pool = new WorkerPool(workers);
    workers.forEach((w, id) => pool.listen(w, id));
    try {
      await Promise.all(ready);
    } catch (e) {
      await pool.terminate();
      throw e;
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  private listen(worker: NodeWorker, id: number): void {
    worker.on('message', (msg) => {
      if (msg.type !== 'result' && msg.type !== 'error') return;
      const p = this.pending.get(msg.task);
      if (p === undefined) return; // a task of an abandoned epoch
      this.pending.delete(msg.task);
      if (msg.type === 'result') p.resolve(decode(msg.value));
      else p.reject(rebuildError(msg.error, id));
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => {
      if (!this.closed)
        this.fail(new RuntimeError(`DataLoader worker (id ${id}) exited unexpectedly with code ${code}`));
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /**
   * Seeds every worker's default generator for a new epoch (base seed + worker id, as PyTorch does). Workers
   * that have just started were given their seeds at start-up, before building the dataset.
   */
  beginEpoch(baseSeed: number): void {
    if (this.fresh) {
      this.fresh = false;
      return;
    }
    this.workers.forEach((w, id) => w.postMessage({ type: 'epoch', seed: baseSeed + id }));
  }

  /** Sends a task to a worker; resolves to its decoded reply. */
  submit(workerId: number, indices: readonly number[], mode: WorkerMode): Promise<unknown> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const task = this.nextTask++;
    const promise = new Promise<unknown>((resolve, reject) => this.pending.set(task, { resolve, reject }));
    promise.catch(() => undefined); // rejections are seen when the batch is awaited; none are left unhandled
    this.workers[workerId].postMessage({ type: 'fetch', task, indices, mode });
    return promise;
  }

  /**
   * Keeps the process alive while the loop waits for a batch (`true`), or lets it exit (`false`): between batches,
   * and after a loop took one batch and went on, nothing of the loader's should keep a finished script running.
   */
  hold(flag: boolean): void {
    for (const w of this.workers) {
      if (flag) w.ref();
      else w.unref();
    }
  }

  /** Stops the workers; a batch still awaited fails with a clear error instead of waiting forever. */
  async terminate(): Promise<void> {
    this.closed = true;
    this.fail(new RuntimeError('the DataLoader workers were stopped (close()) while a batch was being loaded'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A batch, or PyTorch's error when it takes longer than `timeout` seconds (0: no limit). */
async function awaitBatch(batch: Promise<unknown>, timeout: number): Promise<unknown> {
  if (timeout <= 0) return batch;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RuntimeError(`DataLoader timed out after ${timeout} seconds`)), timeout * 1000);
  });
  try {
    return await Promise.race([batch, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One epoch over a pool: batch k goes to worker k % size, at most `prefetchFactor * size` batches are in
 * flight, and batches are yielded in order. The workers keep the process alive only while a batch is awaited.
 */
export async function* workerEpoch(
  pool: WorkerPool,
  tasks: Iterator<readonly number[]>,
  baseSeed: number,
  prefetchFactor: number,
  mode: WorkerMode,
  timeout = 0,
): AsyncGenerator<unknown> {
  pool.beginEpoch(baseSeed);
  const inFlight: Promise<unknown>[] = [];
  let sent = 0;
  let exhausted = false;
  const dispatch = (): void => {
    while (!exhausted && inFlight.length < prefetchFactor * pool.size) {
      const next = tasks.next();
      if (next.done) exhausted = true;
      else inFlight.push(pool.submit(sent++ % pool.size, next.value, mode));
    }
  };
  dispatch();
  while (inFlight.length > 0) {
    pool.hold(true);
    let result: unknown;
    try {
      result = await awaitBatch(inFlight.shift() as Promise<unknown>, timeout);
    } finally {
      pool.hold(false);
    }
    dispatch();
    yield result;
  }
}
