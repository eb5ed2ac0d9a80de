/**
 * File access for torch.save / torch.load. Node's `fs` is reached only when one of these functions runs,
 * through `process.getBuiltinModule` (Node >= 20.16), so the core never imports a Node module and still
 * loads in browsers; there, the functions throw a clear error instead.
 */

import { RuntimeError } from './errors.js';

/** The part of `node:fs` used here. */
interface NodeFs {
  readFileSync(path: string): Uint8Array;
  writeFileSync(path: string, data: Uint8Array, options: { flag: string }): void;
  renameSync(oldPath: string, newPath: string): void;
  rmSync(path: string, options: { force: boolean }): void;
}

interface NodeProcess {
  pid?: number;
  getBuiltinModule?: (id: string) => unknown;
}

const NO_FS_MESSAGE =
  'torch.save/torch.load need Node.js file system access (not available in this environment); ' +
  'use serialize()/deserialize() with bytes instead';

/** Python's OSError: `errno` and `filename` as Python sets them. */
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

function isNodeFs(x: unknown): x is NodeFs {
  if (typeof x !== 'object' || x === null) return false;
  const fs = x as Partial<Record<keyof NodeFs, unknown>>;
  return (
    typeof fs.readFileSync === 'function' &&
    typeof fs.writeFileSync === 'function' &&
    typeof fs.renameSync === 'function' &&
    typeof fs.rmSync === 'function'
  );
}

function nodeProcess(): NodeProcess | undefined {
  return (globalThis as unknown as { process?: NodeProcess }).process;
}

function nodeFs(): NodeFs {
  const proc = nodeProcess();
  let fs: unknown;
  try {
    fs = typeof proc?.getBuiltinModule === 'function' ? proc.getBuiltinModule('node:fs') : undefined;
  } catch {
    fs = undefined;
  }
  if (!isNodeFs(fs)) throw new RuntimeError(NO_FS_MESSAGE);
  return fs;
}

function errorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The path as Python quotes it in OSError messages. */
function pyRepr(path: string): string {
  return `'${path}'`;
}

/** The OSError subclass Python raises for a failed system call, or undefined for codes left as they are. */
function osError(e: unknown, path: string): OSError | undefined {
  const options = { cause: e };
  switch (errorCode(e)) {
    case 'ENOENT':
      return new FileNotFoundError(`[Errno 2] No such file or directory: ${pyRepr(path)}`, 2, path, options);
    case 'EISDIR':
      return new IsADirectoryError(`[Errno 21] Is a directory: ${pyRepr(path)}`, 21, path, options);
    case 'EACCES':
      return new PermissionError(`[Errno 13] Permission denied: ${pyRepr(path)}`, 13, path, options);
    default:
      return undefined;
  }
}

function parentDirectory(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? '.' : cut === 0 ? path.slice(0, 1) : path.slice(0, cut);
}

/**
 * The whole file as a plain Uint8Array. The result owns its buffer: a small file that Node read into its
 * shared pool is copied out. A missing file raises FileNotFoundError naming the path, as Python does.
 */
export function readFileBytes(path: string): Uint8Array {
  const fs = nodeFs();
  let buf: Uint8Array;
  try {
    buf = fs.readFileSync(path);
  } catch (e) {
    throw osError(e, path) ?? e;
  }
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength) {
    return new Uint8Array(buf.buffer, 0, buf.byteLength);
  }
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return copy;
}

/**
 * Writes `bytes` to `path` atomically: into `${path}.tmp-<pid>-<random>` first, then renamed over `path`,
 * so readers never see a half-written file. The temporary file is removed when anything fails. A missing
 * parent directory raises torch.save's `Parent directory ... does not exist.`
 */
export function writeFileBytesAtomic(path: string, bytes: Uint8Array): void {
  const fs = nodeFs();
  const pid = nodeProcess()?.pid ?? 0;
  const tmp = `${path}.tmp-${pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    fs.writeFileSync(tmp, bytes, { flag: 'wx' });
    fs.renameSync(tmp, path);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // The original failure is the one worth reporting.
    }
    if (errorCode(e) === 'ENOENT') {
      throw new RuntimeError(`Parent directory ${parentDirectory(path)} does not exist.`, { cause: e });
    }
    throw osError(e, path) ?? e;
  }
}
