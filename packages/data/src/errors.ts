/** Error classes and Python-style value formatting for PyTorch's messages. */
import { AssertionError, TorchTypeError, ValueError, RuntimeError, IndexError, compat } from '@kindling/core';

// Core's classes, so that `err instanceof torch.AssertionError` holds whichever package threw.
export { AssertionError, TorchTypeError, ValueError, RuntimeError, IndexError };

/** A value as Python's `repr` prints it in PyTorch's messages: True/False, None, lists. */
export const pyRepr = (x: unknown): string => compat.pyRepr(x);
