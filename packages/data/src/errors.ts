/** Error classes and Python-style value formatting for PyTorch's messages. */
import { AssertionError, TorchTypeError, ValueError, RuntimeError, IndexError } from '@kindling/core';

// Core's classes, so that `err instanceof torch.AssertionError` holds whichever package threw.
export { AssertionError, TorchTypeError, ValueError, RuntimeError, IndexError };

/** A value as Python's `format()` prints it in PyTorch's messages: True/False, None, lists. */
export function pyRepr(x: unknown): string {
  if (x === true) return 'True';
  if (x === false) return 'False';
  if (x === null || x === undefined) return 'None';
  if (typeof x === 'string') return `'${x}'`;
  if (Array.isArray(x)) return `[${x.map(pyRepr).join(', ')}]`;
  if (typeof x === 'object') return `<${x.constructor?.name ?? 'object'} object>`;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are handled above: a number, bigint, symbol or function is left
  return String(x);
}
