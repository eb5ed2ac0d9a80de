/**
 * PyTorch's side of `pnpm bench`: bench/torch_workloads.py running as a process of its own on a given thread count,
 * answering one request at a time (JSON lines over its stdin and stdout), so that run.ts can time PyTorch's samples
 * and Kindling's in interleaved rounds (interleave.ts).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PYTHON, benchFile, pythonEnv } from './harness.js';
import type { TimedWorkload } from './interleave.js';

/** What the process says of itself: PyTorch's version, its threads, its CPU capability and BLAS library. */
export interface TorchMeta {
  torch?: string;
  threads?: number;
  cpuCapability?: string;
  blas?: string;
}

type Reply = { error: string } | { iterations: number } | { ms: number } | TorchMeta;

export class TorchRemote {
  private readonly child: ChildProcessWithoutNullStreams;
  private pending: { resolve: (reply: Reply) => void; reject: (e: Error) => void } | null = null;
  private lastError = '';
  /** Why the process is gone, once it is. */
  private exited: string | null = null;

  constructor(threads: number) {
    this.child = spawn(PYTHON, [benchFile('torch_workloads.py'), String(threads)], { env: pythonEnv(threads) });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const pending = this.pending;
      this.pending = null;
      pending?.resolve(JSON.parse(line) as Reply);
    });
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      if (line.trim() !== '') this.lastError = line.trim();
    });
    this.child.on('exit', (code) => {
      this.exited = `the PyTorch process exited (code ${code}${this.lastError ? `: ${this.lastError}` : ''})`;
      this.pending?.reject(new Error(this.exited));
      this.pending = null;
    });
  }

  meta(): Promise<TorchMeta> {
    return this.call({ op: 'meta' }) as Promise<TorchMeta>;
  }

  /**
   * Builds the workload of that name (bench/torch_workloads.py's WORKLOADS) in the PyTorch process, in place of
   * the last one: the workload returned before this one stops working.
   */
  async setup(name: string): Promise<TimedWorkload> {
    await this.call({ op: 'setup', name });
    return {
      calibrate: async (minMs, warmup = 0) =>
        ((await this.call({ op: 'calibrate', minMs, warmup })) as { iterations: number }).iterations,
      sample: async (iterations, warm = 0) =>
        ((await this.call({ op: 'sample', iterations, warm })) as { ms: number }).ms,
    };
  }

  /** Ends the PyTorch process. */
  close(): void {
    this.child.stdin.end();
  }

  private async call(request: Record<string, unknown>): Promise<Reply> {
    if (this.exited !== null) throw new Error(this.exited);
    if (this.pending !== null) throw new Error('one request to the PyTorch process at a time');
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.stdin.write(`${JSON.stringify(request)}\n`);
    });
    if ('error' in reply) throw new Error(`PyTorch: ${reply.error}`);
    return reply;
  }
}
