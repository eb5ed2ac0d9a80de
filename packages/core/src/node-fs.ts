/**
 * File access for torch.save / torch.load. Node's `fs` is reached only when one of these functions runs,
 * through `process.getBuiltinModule` (Node >= 20.16), so the core never imports a Node module and still
 * loads in browsers; there, the functions throw a clear error instead.
 */

import { FileNotFoundError, IsADirectoryError, OSError, PermissionError, RuntimeError } from './errors.js';

/** The part of `node:fs` used here. */
interface NodeFs {
  openSync(path: string, flags: string): number;
  closeSync(fd: number): void;
  fstatSync(fd: number): { size: number; isDirectory(): boolean };
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  renameSync(oldPath: string, newPath: string): void;
  rmSync(path: string, options: { force: boolean }): void;
  readdirSync(path: string): string[];
}

interface NodeProcess {
  pid?: number;
  getBuiltinModule?: (id: string) => unknown;
  kill?: (pid: number, signal: number) => boolean;
}

/** Files are read and written in pieces of this size: one read of a whole file stops at 2 GiB in Node. */
const CHUNK = 1 << 28;

const NO_FS_MESSAGE =
  'torch.save/torch.load need Node.js file system access (not available in this environment); ' +
  'use serialize()/deserialize() with bytes instead';

function isNodeFs(x: unknown): x is NodeFs {
  if (typeof x !== 'object' || x === null) return false;
  const fs = x as Partial<Record<keyof NodeFs, unknown>>;
  const needed: (keyof NodeFs)[] = [
    'openSync',
    'closeSync',
    'fstatSync',
    'readSync',
    'writeSync',
    'fsyncSync',
    'renameSync',
    'rmSync',
    'readdirSync',
  ];
  return needed.every((name) => typeof fs[name] === 'function');
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

/** The OSError subclass Python raises for each system error code handled here, with its errno and text. */
const OS_ERRORS = new Map<string, [typeof OSError, number, string]>([
  ['ENOENT', [FileNotFoundError, 2, 'No such file or directory']],
  ['EISDIR', [IsADirectoryError, 21, 'Is a directory']],
  ['EACCES', [PermissionError, 13, 'Permission denied']],
]);

/** The OSError subclass Python raises for a failed system call, or undefined for codes left as they are. */
function osError(e: unknown, path: string): OSError | undefined {
  const entry = OS_ERRORS.get(errorCode(e) ?? '');
  if (entry === undefined) return undefined;
  const [ErrorClass, errno, text] = entry;
  return new ErrorClass(`[Errno ${errno}] ${text}: ${pyRepr(path)}`, errno, path, { cause: e });
}

function parentDirectory(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? '.' : cut === 0 ? path.slice(0, 1) : path.slice(0, cut);
}

/**
 * The whole file as a plain Uint8Array that owns its buffer, read in pieces so files past 2 GiB load too. A
 * missing file raises FileNotFoundError naming the path, as Python does; a file larger than the largest array
 * this JavaScript engine can make gets a clear error before anything is read.
 */
export function readFileBytes(path: string): Uint8Array {
  const fs = nodeFs();
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    const error = osError(e, path);
    if (error) throw error;
    throw e;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw osError({ code: 'EISDIR' }, path)!;
    const out = allocateBytes(stat.size, path);
    let done = 0;
    while (done < stat.size) {
      const n = fs.readSync(fd, out, done, Math.min(CHUNK, stat.size - done), done);
      if (n === 0)
        throw new RuntimeError(
          `${path}: the file ended after ${done} of ${stat.size} bytes (it changed while being read)`,
        );
      done += n;
    }
    return out;
  } catch (e) {
    throw osError(e, path) ?? e;
  } finally {
    fs.closeSync(fd);
  }
}

function allocateBytes(size: number, path: string): Uint8Array {
  try {
    return new Uint8Array(size);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new RuntimeError(
      `${path} holds ${size} bytes, more than the largest array this JavaScript engine can allocate`,
      { cause: e },
    );
  }
}

/**
 * Writes `bytes` to `path` atomically and durably: into `${path}.tmp-<pid>-<random>`, flushed to disk, renamed
 * over `path`, and the directory flushed, so readers never see a half-written file and a crash leaves either the
 * old file or the new one. The temporary file is removed when anything fails; ones left by a process that died
 * while saving to the same path are removed by the next save. A missing parent directory raises torch.save's
 * `Parent directory ... does not exist.`
 */
export function writeFileBytesAtomic(path: string, bytes: Uint8Array): void {
  const fs = nodeFs();
  const proc = nodeProcess();
  const pid = proc?.pid ?? 0;
  const tmp = `${path}.tmp-${pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    const fd = fs.openSync(tmp, 'wx');
    try {
      for (let done = 0; done < bytes.length; )
        done += fs.writeSync(fd, bytes, done, Math.min(CHUNK, bytes.length - done));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
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
  syncDirectory(fs, parentDirectory(path));
  removeOrphans(fs, proc, path);
}

/** Makes the rename itself durable. Some file systems cannot fsync a directory; the file is written either way. */
function syncDirectory(fs: NodeFs, dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not supported here (e.g. on Windows): the data is already flushed.
  }
}

/** Temporary files of earlier saves to `path` whose process no longer runs (it crashed mid-save). */
function removeOrphans(fs: NodeFs, proc: NodeProcess | undefined, path: string): void {
  const dir = parentDirectory(path);
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const pattern = /^\.tmp-(\d+)-[a-z0-9]+$/;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(base)) continue;
    const m = pattern.exec(name.slice(base.length));
    if (m === null || isRunning(proc, Number(m[1]))) continue;
    try {
      fs.rmSync(`${dir}/${name}`, { force: true });
    } catch {
      // Someone else's file, or already gone.
    }
  }
}

function isRunning(proc: NodeProcess | undefined, pid: number): boolean {
  if (proc?.kill === undefined || pid === proc.pid) return true;
  try {
    proc.kill(pid, 0);
    return true;
  } catch (e) {
    return errorCode(e) !== 'ESRCH';
  }
}
