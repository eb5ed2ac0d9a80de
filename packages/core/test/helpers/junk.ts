/** The junk values of the generated bad-input suites (tools/golden/bad_inputs.py maps each to Python), and how a call ended. */
import * as torch from '@kindling/core';

export const JUNK: readonly (readonly [string, unknown])[] = [
  ['undefined', undefined],
  ['null', null],
  ['string', 'a'],
  ['object', {}],
  ['array', [1, 2]],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-1', -1],
  ['2.5', 2.5],
  ['1e10', 1e10],
  ['bool', true],
  ['fn', () => 1],
];

export function junkValue(name: string): unknown {
  const entry = JUNK.find(([n]) => n === name);
  if (entry === undefined) throw new Error(`no junk value named ${name}`);
  return entry[1];
}

export type Outcome = 'ok' | 'RuntimeError' | 'IndexError' | 'ValueError' | 'TypeError' | `engine ${string}`;

/** 'ok', the Python class of a Kindling error, or `engine ...` for an error JavaScript itself raised. */
export function outcome(f: () => unknown): Outcome {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (
      e instanceof torch.RuntimeError ||
      e instanceof torch.IndexError ||
      e instanceof torch.ValueError ||
      e instanceof torch.TorchTypeError
    ) {
      return e.name as Outcome;
    }
    return `engine ${(e as Error)?.constructor?.name}: ${String((e as Error)?.message).split('\n')[0]}`;
  }
}
