/**
 * Learning-rate schedules drawn at random against PyTorch 1.13 (fixtures/fuzz_lr_scheduler.json, written by
 * tools/golden/fuzz_lr_scheduler.py): every scheduler with random arguments on one to three groups, two on one
 * optimizer, SequentialLR and ChainedScheduler over random children, resumption with `lastEpoch`, `step(epoch)` with
 * jumping and fractional epochs, and ReduceLROnPlateau on random metrics. Each group's learning rate and momentum and
 * `getLastLr()` after every step match PyTorch's within 1e-12 relative; the draws PyTorch refuses throw its error.
 * `KINDLING_FUZZ_FIXTURE=FILE` replays another draw.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../core/test/helpers/golden.js';
import { replaySchedule, runSchedule, type ScheduleCase, type ScheduleSpec } from './helpers/scheduler-fixture.js';

interface RefusedSchedule extends ScheduleSpec {
  error: string;
  message: string;
}

const path = process.env.KINDLING_FUZZ_FIXTURE ?? new URL('./fixtures/fuzz_lr_scheduler.json', import.meta.url);
const fixture = JSON.parse(readFileSync(path, 'utf8')) as {
  torch: string;
  cases: ScheduleCase[];
  errors: RefusedSchedule[];
};

describe(`random schedules against PyTorch ${fixture.torch}`, () => {
  for (const c of fixture.cases) it(c.name, () => replaySchedule(c));
});

describe("the random schedules PyTorch refuses: Kindling throws PyTorch's error", () => {
  for (const c of fixture.errors) {
    it(`${c.name}: ${c.error}`, () => {
      const err = thrown(() => runSchedule(c));
      expect(err.name).toBe(c.error);
      expect(err.message).toContain(c.message);
    });
  }
});
