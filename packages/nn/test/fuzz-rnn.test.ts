/**
 * Recurrent layers drawn at random against PyTorch 1.13 (fixtures/fuzz_rnn.json, written by tools/golden/fuzz_rnn.py):
 * RNN, LSTM and GRU over random sizes, layers, directions, layouts, biases, nonlinearities, projections, initial
 * states, dtypes and input scales, and the cells stepped over a sequence; outputs, final states and every gradient.
 * `KINDLING_FUZZ_FIXTURE=FILE` replays another draw.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { type RnnCase, replayRnnCase } from './helpers/rnn-cases.js';

const path = process.env.KINDLING_FUZZ_FIXTURE ?? new URL('./fixtures/fuzz_rnn.json', import.meta.url);
const fixture = JSON.parse(readFileSync(path, 'utf8')) as { torch: string; cases: RnnCase[] };

describe(`random recurrent layers against PyTorch ${fixture.torch}`, () => {
  for (const c of fixture.cases) it(c.name, () => replayRnnCase(c));
});
