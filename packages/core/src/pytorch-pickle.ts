/**
 * `torch.load` of a file PyTorch wrote: the pickle in its zip archive, run by a small pickle machine that knows
 * only what a saved state dict is made of — dicts (and OrderedDict), lists, tuples, strings, numbers, booleans,
 * None, and tensors rebuilt from the archive's storages (`torch._utils._rebuild_tensor_v2`, `_rebuild_parameter`).
 * Any other Python global is refused by name: unlike Python's unpickler, nothing in the file can run code.
 */
import { type DType, type TypedArray, allocate } from './dtype.js';
import { RuntimeError } from './errors.js';
import { type ZipEntry, readZip } from './pytorch-zip.js';
import { Tensor } from './tensor.js';
import { defineEntry } from './safetensors-format.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** PyTorch's storage classes and the dtype (and bytes per element) of each. */
const STORAGES: Record<string, [DType, number]> = {
  FloatStorage: ['float32', 4],
  DoubleStorage: ['float64', 8],
  LongStorage: ['int64', 8],
  IntStorage: ['int32', 4],
  BoolStorage: ['bool', 1],
};

type PyValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | Tensor
  | PyValue[]
  | PyTuple
  | PyDict
  | PyGlobal
  | PyStorage
  | MarkObject;
class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
type PyDict = Map<PyValue, PyValue>;
class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
}
class PyStorage {
  constructor(
    readonly array: TypedArray,
    readonly dtype: DType,
  ) {}
}
class MarkObject {}
const MARK = new MarkObject();

/** A checkpoint PyTorch saved, as a state dict of tensors (nested dicts are flattened with dotted keys). */
export function loadPytorchArchive(bytes: Uint8Array, what: string): Record<string, Tensor> {
  const entries = readZip(bytes, what);
  const pkl = entries.find((e) => e.name.endsWith('/data.pkl') || e.name === 'data.pkl');
  if (!pkl) throw new RuntimeError(`${what}: a zip archive without data.pkl is not a PyTorch checkpoint`);
  const prefix = pkl.name.slice(0, pkl.name.length - 'data.pkl'.length);
  let value: PyValue;
  try {
    value = unpickle(
      pkl.data,
      (key, dtype, size) => storageFrom(entries, `${prefix}data/${key}`, dtype, size, what),
      what,
    );
  } catch (e) {
    if (e instanceof RuntimeError) throw e;
    // A malformed pickle runs the machine off its rails (an empty stack, a read past the end): say so plainly.
    throw new RuntimeError(
      `${what}: cannot read the pickle in this PyTorch checkpoint (it is corrupt: ${(e as Error).message})`,
    );
  }
  const out: Record<string, Tensor> = {};
  flatten(value, '', out, what);
  return out;
}

function storageFrom(
  entries: ZipEntry[],
  name: string,
  [dtype, itemSize]: [DType, number],
  size: number,
  what: string,
): PyStorage {
  const entry = entries.find((e) => e.name === name);
  if (!entry) throw new RuntimeError(`${what}: storage '${name}' is missing from the archive`);
  if (entry.data.length < size * itemSize)
    throw new RuntimeError(
      `${what}: storage '${name}' holds ${entry.data.length} bytes, fewer than its ${size} elements need`,
    );
  // A copy into a buffer of its own (aligned), read in place where the layout is already the typed array's.
  const raw = entry.data.slice(0, size * itemSize).buffer;
  let array: TypedArray;
  if (dtype === 'float32' && LITTLE_ENDIAN) array = new Float32Array(raw);
  else if (dtype === 'float64' && LITTLE_ENDIAN) array = new Float64Array(raw);
  else if (dtype === 'int32' && LITTLE_ENDIAN) array = new Int32Array(raw);
  else if (dtype === 'bool') array = new Uint8Array(raw).map((b) => (b ? 1 : 0));
  else {
    array = allocate(dtype, size);
    const view = new DataView(raw);
    for (let i = 0; i < size; i++) {
      if (dtype === 'int64') array[i] = Number(view.getBigInt64(i * 8, true));
      else if (dtype === 'float32') array[i] = view.getFloat32(i * 4, true);
      else if (dtype === 'float64') array[i] = view.getFloat64(i * 8, true);
      else array[i] = view.getInt32(i * 4, true);
    }
  }
  return new PyStorage(array, dtype);
}

function flatten(v: PyValue, prefix: string, out: Record<string, Tensor>, what: string): void {
  if (v instanceof Tensor) {
    defineEntry(out, prefix, v);
    return;
  }
  if (v instanceof Map) {
    for (const [k, x] of v) {
      if (typeof k !== 'string') throw new RuntimeError(`${what}: a dict key that is not a string (${typeof k})`);
      flatten(x, prefix ? `${prefix}.${k}` : k, out, what);
    }
    return;
  }
  // Numbers and other values beside the tensors (an epoch, a step count) are not tensors: left out.
}

type StorageLoader = (key: string, dtype: [DType, number], size: number) => PyStorage;

function unpickle(data: Uint8Array, loadStorage: StorageLoader, what: string): PyValue {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const stack: PyValue[] = [];
  const memo = new Map<number, PyValue>();
  let pos = 0;
  const fail = (why: string): never => {
    throw new RuntimeError(`${what}: cannot read the pickle in this PyTorch checkpoint (${why})`);
  };
  const text = (start: number, length: number): string =>
    new TextDecoder().decode(data.subarray(start, start + length));
  const popMark = (): PyValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail('no mark');
    return stack.splice(at).slice(1);
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    const s = text(pos, end - pos);
    pos = end + 1;
    return s;
  };
  for (;;) {
    if (pos >= data.length) fail('it ends before STOP');
    const op = data[pos++];
    switch (op) {
      case 0x80:
        pos++;
        break; // PROTO
      case 0x95:
        pos += 8;
        break; // FRAME
      case 0x2e:
        return stack.pop() as PyValue; // STOP
      case 0x28:
        stack.push(MARK);
        break; // MARK
      case 0x7d:
        stack.push(new Map());
        break; // EMPTY_DICT
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST
      case 0x29:
        stack.push(new PyTuple([]));
        break; // EMPTY_TUPLE
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x88:
        stack.push(true);
        break; // NEWTRUE
      case 0x89:
        stack.push(false);
        break; // NEWFALSE
      case 0x4b:
        stack.push(data[pos++]);
        break; // BININT1
      case 0x4d:
        stack.push(view.getUint16(pos, true));
        pos += 2;
        break; // BININT2
      case 0x4a:
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break; // BININT
      case 0x47:
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break; // BINFLOAT
      case 0x8a: {
        // LONG1
        const n = data[pos++];
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[pos + i]);
        if (n > 0 && data[pos + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        pos += n;
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x58: {
        const n = view.getUint32(pos, true);
        stack.push(text(pos + 4, n));
        pos += 4 + n;
        break;
      } // BINUNICODE
      case 0x8c: {
        const n = data[pos++];
        stack.push(text(pos, n));
        pos += n;
        break;
      } // SHORT_BINUNICODE
      case 0x71:
        memo.set(data[pos++], stack[stack.length - 1]);
        break; // BINPUT
      case 0x72:
        memo.set(view.getUint32(pos, true), stack[stack.length - 1]);
        pos += 4;
        break; // LONG_BINPUT
      case 0x94:
        memo.set(memo.size, stack[stack.length - 1]);
        break; // MEMOIZE
      case 0x68:
        stack.push(memo.get(data[pos++]) as PyValue);
        break; // BINGET
      case 0x6a:
        stack.push(memo.get(view.getUint32(pos, true)) as PyValue);
        pos += 4;
        break; // LONG_BINGET
      case 0x74:
        stack.push(new PyTuple(popMark()));
        break; // TUPLE
      case 0x85:
        stack.push(new PyTuple(stack.splice(-1)));
        break; // TUPLE1
      case 0x86:
        stack.push(new PyTuple(stack.splice(-2)));
        break; // TUPLE2
      case 0x87:
        stack.push(new PyTuple(stack.splice(-3)));
        break; // TUPLE3
      case 0x63: {
        const module = line();
        stack.push(globalNamed(module, line(), fail));
        break;
      } // GLOBAL
      case 0x93: {
        const name = stack.pop() as string;
        stack.push(globalNamed(stack.pop() as string, name, fail));
        break;
      } // STACK_GLOBAL
      case 0x51: {
        // BINPERSID: ('storage', StorageClass, key, location, size)
        const pid = stack.pop();
        if (!(pid instanceof PyTuple) || pid.items[0] !== 'storage' || !(pid.items[1] instanceof PyGlobal))
          fail('an unknown persistent id');
        const [, cls, key, , size] = (pid as PyTuple).items as [string, PyGlobal, string, string, number];
        const kind = STORAGES[cls.name];
        if (kind === undefined)
          fail(`tensors of storage ${cls.name} are not supported (float32, float64, int64, int32 and bool are)`);
        stack.push(loadStorage(key, kind, Number(size)));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = stack.pop();
        const fn = stack.pop();
        if (!(fn instanceof PyGlobal) || !(args instanceof PyTuple))
          fail('REDUCE of something that is not a known global');
        stack.push(call(fn as PyGlobal, (args as PyTuple).items, fail));
        break;
      }
      case 0x73: {
        const v = stack.pop() as PyValue;
        const k = stack.pop() as PyValue;
        (stack[stack.length - 1] as PyDict).set(k, v);
        break;
      } // SETITEM
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const dict = stack[stack.length - 1] as PyDict;
        for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1]);
        break;
      }
      case 0x61: {
        const v = stack.pop() as PyValue;
        (stack[stack.length - 1] as PyValue[]).push(v);
        break;
      } // APPEND
      case 0x65: {
        const items = popMark();
        (stack[stack.length - 1] as PyValue[]).push(...items);
        break;
      } // APPENDS
      case 0x62:
        stack.pop();
        break; // BUILD: the state set on an object (OrderedDict's _metadata): not needed
      default:
        fail(`opcode 0x${op.toString(16)} at byte ${pos - 1}`);
    }
  }
}

const ALLOWED = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
]);

function globalNamed(module: string, name: string, fail: (why: string) => never): PyGlobal {
  // Every storage class may be named; BINPERSID then says which dtypes can be read.
  const storage = module === 'torch' && name.endsWith('Storage');
  if (!storage && !ALLOWED.has(`${module}.${name}`))
    fail(`it refers to ${module}.${name}; only state dicts of tensors can be read`);
  return new PyGlobal(module, name);
}

function call(fn: PyGlobal, args: PyValue[], fail: (why: string) => never): PyValue {
  switch (fn.name) {
    case 'OrderedDict':
      return new Map();
    case '_rebuild_parameter':
      return args[0] as Tensor;
    case '_rebuild_tensor_v2': {
      const [storage, offset, size, stride] = args as [PyStorage, number, PyTuple, PyTuple];
      if (!(storage instanceof PyStorage)) fail('a tensor without a storage');
      const shape = size.items.map(Number);
      const strides = stride.items.map(Number);
      const start = Number(offset);
      let last = start;
      for (let d = 0; d < shape.length; d++) {
        if (!(shape[d] >= 0) || !(strides[d] >= 0))
          fail(`a tensor of size [${shape.join(', ')}] and stride [${strides.join(', ')}]`);
        if (shape[d] === 0) last = -1;
        if (last >= 0) last += (shape[d] - 1) * strides[d];
      }
      if (start < 0 || last >= storage.array.length)
        fail(`a tensor that reaches past its storage of ${storage.array.length} elements`);
      const t = new Tensor(storage.array, shape, storage.dtype, strides, start);
      return t.isContiguous() ? t : t.contiguous();
    }
    default:
      return fail(`a call of ${fn.module}.${fn.name}`);
  }
}
