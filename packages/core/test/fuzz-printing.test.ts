/**
 * Tensors printed at random against PyTorch 1.13's repr (fixtures/fuzz_printing.json, written by
 * tools/golden/fuzz_printing.py): shapes up to four dims and past the summary threshold, every dtype, values over every
 * magnitude with negative zeros, NaN and infinities, and random print options. `KINDLING_FUZZ_FIXTURE=FILE` replays
 * another draw.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { type PrintingCase, replayPrintingCase } from './helpers/printing-cases.js';

const path = process.env.KINDLING_FUZZ_FIXTURE ?? new URL('./fixtures/fuzz_printing.json', import.meta.url);
const fixture = JSON.parse(readFileSync(path, 'utf8')) as { torch: string; cases: PrintingCase[] };

describe(`random tensors printed as PyTorch ${fixture.torch} prints them`, () => {
  for (const c of fixture.cases) it(c.name, () => replayPrintingCase(c));
});
