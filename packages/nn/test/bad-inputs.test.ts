/**
 * Bad inputs to nn.functional and to the optimizers' constructors, generated (tools/golden/nn_bad_inputs.py has the
 * matrix and PyTorch 1.13's outcome for each case): no engine errors, and every call that gives junk as the only
 * argument, or as the learning rate, is refused where PyTorch refuses it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import * as optim from '@kindling/optim';
import { junkValue, outcome, type Outcome } from '../../core/test/helpers/junk.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/bad_inputs.json', import.meta.url), 'utf8')) as {
  cases: Record<string, string>;
};

const FIRST: Record<string, () => torch.Tensor> = {
  x: () => torch.randn(2, 3),
  x4: () => torch.randn(1, 1, 4, 4),
  i: () => torch.tensor([0, 1]),
};

type Fn = (...args: unknown[]) => unknown;
type OptimizerClass = new (...args: unknown[]) => unknown;

function run(name: string): Outcome {
  const f = /^F\.(\w+)\((?:(x4|x|i), )?(.+)\)$/.exec(name);
  if (f !== null) {
    const fn = (nn.functional as unknown as Record<string, Fn>)[f[1]];
    const junk = junkValue(f[3]);
    return outcome(() => (f[2] === undefined ? fn(junk) : fn(FIRST[f[2]](), junk)));
  }
  const o = /^optim\.(\w+)\((params, lr: )?(.+)\)$/.exec(name) as RegExpExecArray;
  const Ctor = (optim as unknown as Record<string, OptimizerClass>)[o[1]];
  const junk = junkValue(o[3]);
  return outcome(() =>
    o[2] === undefined ? new Ctor(junk) : new Ctor([new nn.Parameter(torch.randn(2))], { lr: junk }),
  );
}

describe('bad inputs to nn.functional and the optimizers, against PyTorch 1.13', () => {
  const cases = Object.entries(fixture.cases);
  const results = new Map(cases.map(([name]) => [name, run(name)]));

  it('never fails with an engine error', () => {
    expect([...results].filter(([, o]) => o.startsWith('engine'))).toEqual([]);
  });

  // As in the core suite: `undefined` is an omitted argument and `{}` an empty options object in JavaScript, and
  // calls with a leading argument differ in their argument lists (options objects here), so they are left out.
  it('refuses every call PyTorch refuses, with junk as the input or as the learning rate', () => {
    const compared = cases.filter(
      ([name]) => !/\((undefined|object)\)$|lr: (undefined|object)\)$|^F\.\w+\((x4|x|i), /.test(name),
    );
    const silent = compared
      .filter(([name, pt]) => pt !== 'ok' && results.get(name) === 'ok')
      .map(([name, pt]) => `${name}: PyTorch ${pt}`);
    expect(silent).toEqual([]);
  });

  it('counts the outcomes', () => {
    const same = cases.filter(([name, pt]) => results.get(name) === pt).length;
    console.log(`nn and optim bad inputs: ${cases.length} cases; same outcome as PyTorch ${same}`);
    expect(cases.length).toBe(840);
  });
});
