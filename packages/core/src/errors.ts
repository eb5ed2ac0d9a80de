/** Error classes matching the Python exceptions PyTorch raises, so messages and types port over. */

export class RuntimeError extends Error {
  override name = 'RuntimeError';
}

export class IndexError extends Error {
  override name = 'IndexError';
}

export class ValueError extends Error {
  override name = 'ValueError';
}

export class TorchTypeError extends TypeError {
  override name = 'TypeError';
}

/** Python's KeyError: a missing key (an optimizer state entry, a scheduler's `initial_lr`, a ModuleDict name). */
export class KeyError extends Error {
  override name = 'KeyError';
}

/** Python's AttributeError: a missing attribute (a `ParameterDict` key, read as PyTorch reads it, by attribute). */
export class AttributeError extends Error {
  override name = 'AttributeError';
}

/** Python's ZeroDivisionError (the schedulers' float arithmetic). */
export class ZeroDivisionError extends Error {
  override name = 'ZeroDivisionError';
}

/** Python's NotImplementedError: an option PyTorch has not implemented (`F.pad`'s unknown modes). */
export class NotImplementedError extends RuntimeError {
  override name = 'NotImplementedError';
}

/** Python's AssertionError: what PyTorch's `assert` statements and `torch.testing.assert_close` raise. */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

/** Python's OSError: `errno` and `filename` as Python sets them (torch.save and torch.load's file access). */
export class OSError extends Error {
  override name = 'OSError';
  constructor(
    message: string,
    readonly errno: number,
    readonly filename: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class FileNotFoundError extends OSError {
  override name = 'FileNotFoundError';
}

export class IsADirectoryError extends OSError {
  override name = 'IsADirectoryError';
}

export class PermissionError extends OSError {
  override name = 'PermissionError';
}
