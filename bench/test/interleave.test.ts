import { describe, expect, it } from 'vitest';
import { type TimedWorkload, interleave } from '../interleave.js';

/** A workload that logs every call it gets and answers samples from a list. */
function fake(name: string, log: string[], samples: number[]): TimedWorkload {
  let next = 0;
  return {
    calibrate: (minMs, warmup = 0) => {
      log.push(`${name} calibrate ${minMs} ${warmup}`);
      return Promise.resolve(4);
    },
    sample: (iterations, warm = 0) => {
      log.push(`${name} sample ${iterations} warm ${warm}`);
      return Promise.resolve(samples[next++ % samples.length]);
    },
  };
}

describe('interleave', () => {
  it('calibrates each contender, then takes one sample of each in turn, round after round', async () => {
    const log: string[] = [];
    const entered: string[] = [];
    const figures = await interleave(
      [
        { enter: () => entered.push('a'), timer: fake('a', log, [3, 1, 2]) },
        { enter: () => entered.push('b'), timer: fake('b', log, [10, 20, 30]) },
      ],
      { rounds: 3, minMs: 50, warmup: 8 },
    );
    expect(figures).toEqual([
      [3, 1, 2],
      [10, 20, 30],
    ]);
    expect(log).toEqual([
      'a calibrate 50 8',
      'b calibrate 50 8',
      ...Array.from({ length: 3 }, () => ['a sample 4 warm 0', 'b sample 4 warm 0']).flat(),
    ]);
    expect(entered).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
  });

  it('after a pause, starts a turn warm and samples for turnMs, counting the median of the turn', async () => {
    const log: string[] = [];
    // Each sample is 5 ms a call over 4 calls: 20 ms a sample, so a 50 ms turn takes three.
    const figures = await interleave([{ enter: () => {}, timer: fake('a', log, [5, 9, 4, 5, 5, 7]) }], {
      rounds: 2,
      minMs: 0,
      settleMs: 1,
      turnMs: 50,
    });
    expect(figures).toEqual([[5, 5]]);
    expect(log.slice(1)).toEqual([
      'a sample 4 warm 2',
      'a sample 4 warm 0',
      'a sample 4 warm 0',
      'a sample 4 warm 2',
      'a sample 4 warm 0',
      'a sample 4 warm 0',
    ]);
  });
});
