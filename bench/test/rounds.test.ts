import { describe, expect, it } from 'vitest';
import { type Measurement, median, ratiosByRound, summarize } from '../rounds.js';

const m = (system: Measurement['system'], round: number, ms: number | null, threads = 2): Measurement => ({
  workload: 'w',
  system,
  threads,
  threadsUsed: system === 'kindling-typescript' ? 1 : threads,
  round,
  ms,
  ...(ms === null ? { error: 'boom' } : {}),
});

describe('benchmark rounds', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('summarizes a system over its rounds, skipping failed ones', () => {
    const results = [m('pytorch', 0, 10), m('pytorch', 1, 30), m('pytorch', 2, null), m('pytorch', 0, 99, 1)];
    expect(summarize(results, 'w', 'pytorch', 2)).toEqual({
      workload: 'w',
      system: 'pytorch',
      threads: 2,
      threadsUsed: 2,
      rounds: 3,
      ms: 20,
    });
    expect(summarize([m('pytorch', 0, null)], 'w', 'pytorch', 2)).toMatchObject({ ms: null, error: 'boom' });
    expect(summarize(results, 'w', 'kindling-native', 2)).toBeUndefined();
  });

  it('pairs ratios within a round, so drift between rounds stays out of them', () => {
    const results = [
      m('pytorch', 0, 10),
      m('kindling-native', 0, 8),
      m('pytorch', 1, 20),
      m('kindling-native', 1, 18),
      m('pytorch', 2, 40),
      m('kindling-native', 2, null),
      m('kindling-typescript', 0, 100),
    ];
    expect(ratiosByRound(results, 'w', 'kindling-native', 'pytorch', 2)).toEqual([0.8, 0.9]);
    // Medians over all rounds would give 13 / 20; the paired ratios say 0.8 and 0.9.
    expect(ratiosByRound(results, 'w', 'kindling-typescript', 'pytorch', 2)).toEqual([10]);
    expect(ratiosByRound(results, 'w', 'kindling-native', 'pytorch', 1)).toEqual([]);
  });
});
