/**
 * Timing several systems on one workload in interleaved rounds: each round takes one sample of every system in
 * turn, so a change in the machine's load (it is shared, and drifts by tens of percent within a minute) reaches
 * every system alike. A system may run in this process or in another (PyTorch, tfjs-wasm), each timing its own
 * samples so that no messaging is timed.
 */
import { WARM_UP_MS, iterationsFor, sampleMs, warmUp } from './harness.js';
import { median } from './rounds.js';

/** A workload set up on one system. */
export interface TimedWorkload {
  /**
   * Warms the workload up (`warmup` calls, and WARM_UP_MS from the first), then gives the iterations for a sample
   * of at least minMs (1 when minMs is 0).
   */
  calibrate(minMs: number, warmup?: number): Promise<number>;
  /** The mean time of one iteration over `iterations` back-to-back calls, in ms, after `warm` untimed calls. */
  sample(iterations: number, warm?: number): Promise<number>;
}

/** A workload timed in this process. */
export function localWorkload(fn: () => void): TimedWorkload {
  return {
    calibrate: (minMs, warmup = 0) => {
      const first = performance.now();
      for (let i = 0; i < warmup; i++) fn();
      warmUp(fn, WARM_UP_MS, first);
      return Promise.resolve(iterationsFor(fn, minMs));
    },
    sample: (iterations, warm = 0) => {
      for (let i = 0; i < warm; i++) fn();
      return Promise.resolve(sampleMs(fn, iterations));
    },
  };
}

/** One system of a round: how to make it the current one (its backend and threads), and its workload. */
export interface Contender {
  enter: () => void;
  timer: TimedWorkload;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The pause before each system's turn (InterleaveOptions.settleMs): Debian's OpenBLAS threads spin for about 0.1 s
 * after a product, and with them still spinning, Kindling's two-thread W2 step right after took 4.3-7.3 ms instead
 * of 1.8.
 */
export const SETTLE_MS = 200;
/** How long each turn samples back to back (InterleaveOptions.turnMs): steps of a training loop follow each other. */
export const TURN_MS = 400;

/** Untimed calls at the start of each turn that follows a pause: the caches and the threads are cold after it. */
const WARM_CALLS_AFTER_PAUSE = 2;

export interface InterleaveOptions {
  /** Turns each contender takes, in rotation. */
  rounds: number;
  /** A sample repeats the call until it lasts at least this long (0: one call a sample). */
  minMs: number;
  /** Untimed calls before calibrating (besides WARM_UP_MS of them). */
  warmup?: number;
  /**
   * Idle time before each turn, which then starts with WARM_CALLS_AFTER_PAUSE untimed calls. Threads that spin-wait
   * after their work (OpenBLAS's, for some 0.1 s) would otherwise take the cores from the next contender's first
   * milliseconds; and after a pause the first call runs cold (a two-thread ResNet-18 eval forward taken as the first
   * call of each turn had a median of 36 ms, against 18-20 back to back).
   */
  settleMs?: number;
  /**
   * A turn takes samples back to back for at least this long and counts their median (0: one sample a turn). A
   * training loop runs its steps back to back, and so should its samples: single two-thread ResNet-18 train steps
   * after a pause took PyTorch 37-41 ms and Kindling 38-46, back to back 47-67 ms and 31-34.
   */
  turnMs?: number;
}

/** Each contender's figure for each turn: `figures[k][r]` is contender k's in round r. */
export async function interleave(
  contenders: readonly Contender[],
  { rounds, minMs, warmup = 0, settleMs = 0, turnMs = 0 }: InterleaveOptions,
): Promise<number[][]> {
  const iterations: number[] = [];
  for (const { enter, timer } of contenders) {
    if (settleMs > 0) await pause(settleMs);
    enter();
    iterations.push(await timer.calibrate(minMs, warmup));
  }
  const figures = contenders.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    for (const [k, { enter, timer }] of contenders.entries()) {
      if (settleMs > 0) await pause(settleMs);
      enter();
      const turn = [await timer.sample(iterations[k], settleMs > 0 ? WARM_CALLS_AFTER_PAUSE : 0)];
      while (turn.length * turn[0] * iterations[k] < turnMs) turn.push(await timer.sample(iterations[k]));
      figures[k].push(median(turn));
    }
  }
  return figures;
}
