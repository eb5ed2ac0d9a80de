/**
 * The benchmark's side of tfjs-process.ts: starts that process (compiled beside this program as
 * tfjs-process.mjs, with this process's Node flags) and sends it one request at a time over Node's IPC channel.
 *
 * The process gets glibc's malloc told to keep freed memory (TFJS_MALLOC): each tfjs workload copies its result
 * out of the module with `dataSync()`, a fresh 256 KB array for W1 at 256, and alone in a process, glibc handed
 * every one of them back to the system and took fresh pages for the next. That cost tfjs-wasm's 256 GEMM half its
 * speed (15 against 28 GFLOP/s in one minute; 85,000 page faults against 21,000). Kindling's process allocates
 * large buffers early, which raises glibc's thresholds by themselves, so both systems run as they run at best.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { TimedWorkload } from './interleave.js';

/** The tfjs workloads the process builds: W1's GEMM of n × n, W2's MLP train step, W4's ResNet-18 eval forward. */
export type TfjsWorkload = { kind: 'gemm'; n: number } | { kind: 'mlp' } | { kind: 'resnet18' };

export type TfjsRequest =
  | { op: 'setup'; workload: TfjsWorkload }
  | { op: 'calibrate'; id: number; minMs: number }
  | { op: 'sample'; id: number; iterations: number };

export type TfjsReply = { id: number } | { iterations: number } | { ms: number } | { error: string };

/** glibc's malloc settings for the tfjs process (see above), unless the environment already sets them. */
const TFJS_MALLOC = { MALLOC_MMAP_THRESHOLD_: String(32 << 20), MALLOC_TRIM_THRESHOLD_: String(256 << 20) };

export class TfjsRemote {
  private readonly child: ChildProcess;
  private pending: { resolve: (reply: TfjsReply) => void; reject: (e: Error) => void } | null = null;
  /** Why the process is gone, once it is. */
  private exited: string | null = null;

  constructor() {
    this.child = fork(new URL('./tfjs-process.mjs', import.meta.url), {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...TFJS_MALLOC, ...process.env },
    });
    this.child.on('message', (reply: TfjsReply) => {
      const pending = this.pending;
      this.pending = null;
      pending?.resolve(reply);
    });
    this.child.on('exit', (code) => {
      this.exited = `the tfjs-wasm process exited (code ${code})`;
      this.pending?.reject(new Error(`${this.exited} before answering`));
      this.pending = null;
    });
  }

  /** Builds `workload` in the tfjs process. */
  async setup(workload: TfjsWorkload): Promise<TimedWorkload> {
    const { id } = (await this.call({ op: 'setup', workload })) as { id: number };
    return {
      calibrate: async (minMs) =>
        ((await this.call({ op: 'calibrate', id, minMs })) as { iterations: number }).iterations,
      sample: async (iterations) => ((await this.call({ op: 'sample', id, iterations })) as { ms: number }).ms,
    };
  }

  /** Ends the tfjs process. */
  close(): void {
    this.child.disconnect();
  }

  private async call(request: TfjsRequest): Promise<TfjsReply> {
    if (this.exited !== null) throw new Error(this.exited);
    if (this.pending !== null) throw new Error('one request to the tfjs-wasm process at a time');
    const reply = await new Promise<TfjsReply>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.send(request);
    });
    if ('error' in reply) throw new Error(`tfjs-wasm: ${reply.error}`);
    return reply;
  }
}
