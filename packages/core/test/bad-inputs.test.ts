/**
 * Bad inputs over the public API, generated: each method and factory of tools/golden/bad_inputs.py called with
 * each junk value, alone and after a valid first argument. PyTorch 1.13's outcome for every case is in
 * fixtures/bad_inputs.json. Kindling must never fail with an engine error (a plain TypeError or RangeError from
 * JavaScript: "Cannot read properties of undefined", "Invalid typed array length", ...), and must refuse wherever
 * PyTorch refuses: no silent answer to a call PyTorch rejects.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { junkValue, outcome, type Outcome } from './helpers/junk.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/bad_inputs.json', import.meta.url), 'utf8')) as {
  cases: Record<string, string>;
};

function runAll(): Map<string, Outcome> {
  const results = new Map<string, Outcome>();
  const api = torch as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of Object.keys(fixture.cases)) {
    const m = /^(x\.)?([A-Za-z_]+)\((0, |2, )?(.+)\)$/.exec(name) as RegExpExecArray;
    const [, method, fn, lead, junkName] = m;
    const junk = junkValue(junkName);
    const args = lead === undefined ? [junk] : [Number(lead.slice(0, 1)), junk];
    results.set(
      name,
      outcome(() => {
        if (method) {
          const x = torch.randn(2, 3) as unknown as Record<string, (...a: unknown[]) => unknown>;
          return x[fn](...args);
        }
        return api[fn](...args);
      }),
    );
  }
  return results;
}

describe('bad inputs generated over the public API, against PyTorch 1.13', () => {
  const results = runAll();
  const cases = Object.entries(fixture.cases);

  it('covers every case of the fixture, each method and factory existing in Kindling', () => {
    expect(results.size).toBe(cases.length);
    expect(cases.length).toBe(1488);
  });

  it('never fails with an engine error', () => {
    const engine = [...results].filter(([, o]) => o.startsWith('engine'));
    expect(engine).toEqual([]);
  });

  // The two APIs part ways where JavaScript has no Python counterpart, so the comparison leaves out:
  // - calls with a leading argument (a trailing options object here, positional keywords there);
  // - `undefined`, which is an omitted argument in JavaScript (`x.max(undefined)` is `x.max()`), not None;
  // - `{}`, which is an empty options object here (`x.sum({})` is `x.sum()`), not a dict;
  // - `maximum`/`minimum` of a number: Kindling takes a scalar there, as most binary ops do;
  // - `null` as the dim of a reduction: Kindling's spelling of `dim=None` (all elements), which PyTorch's sum and
  //   mean accept and its max, min, all, any, prod and logsumexp do not; Kindling accepts it for every reduction.
  it('refuses every single-argument call PyTorch refuses', () => {
    const single = cases.filter(
      ([name]) =>
        !/\((0|2), |\((undefined|object)\)$|^x\.(maximum|minimum)\(|^x\.(max|min|all|any|prod|logsumexp)\(null\)$/.test(
          name,
        ),
    );
    const silent = single
      .filter(([name, pt]) => pt !== 'ok' && results.get(name) === 'ok')
      .map(([name, pt]) => `${name}: PyTorch ${pt}`);
    expect(silent).toEqual([]);
  });

  it('counts the outcomes', () => {
    const count = (o: string): number => [...results.values()].filter((r) => r === o).length;
    const same = cases.filter(([name, pt]) => results.get(name) === pt).length;
    const stricter = cases.filter(([name, pt]) => pt === 'ok' && results.get(name) !== 'ok').length;
    console.log(
      `bad inputs: ${cases.length} cases; Kindling ok ${count('ok')}, TypeError ${count('TypeError')}, RuntimeError ${count('RuntimeError')}, ` +
        `IndexError ${count('IndexError')}, ValueError ${count('ValueError')}; same outcome as PyTorch ${same}, refused where PyTorch accepts ${stricter}`,
    );
    expect(same + stricter).toBeLessThanOrEqual(cases.length);
  });
});
