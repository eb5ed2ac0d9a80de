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
