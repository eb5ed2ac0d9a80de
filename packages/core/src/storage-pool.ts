/**
 * Storage for results whose every element the op writes before anything reads it: a buffer that autograd
 * released (the engine proves that nothing else can reach it, see engine.ts), a collected tensor's buffer (in a
 * browser, see WATCHED_BYTES), or, for a large result, memory that is not zero-filled first. Each saves a pass
 * over memory that the op overwrites anyway, and reusing a buffer spares the garbage collector the
 * external-memory pressure of a fresh one (which in a training loop triggers collections several times per step).
 *
 * Only buffers that own their whole ArrayBuffer are pooled, LIFO per (array type, length), up to POOL_BYTES in
 * all. `KINDLING_POISON_UNINITIALIZED=1` fills every buffer handed out here with NaN (or 0x5A bytes for integer
 * arrays), so a kernel that fails to write an element shows up in the tests instead of reading stale values.
 *
 * A backend whose kernels run in memory of their own may lend it (BackendStorage, kernels/backend.ts): while it is
 * active, large float and int64 creations (parameters, optimizer state: filledStorage) and results
 * (uninitializedStorage) live there, and it takes back or lets escape what it handed out.
 */
import { type DType, ITEM_SIZE, type TypedArray } from './dtype.js';
import { overlaps } from './kernels/argument-checks.js';
import type { BackendStorage } from './kernels/backend.js';
import { getKernelBackend } from './kernels/registry.js';

/** Smaller buffers come from V8's allocator as cheaply as from here. */
const MIN_POOLED_BYTES = 16 * 1024;
/** A fresh buffer this large is taken without zero-filling (where the platform offers that: Node's Buffer). */
const MIN_UNZEROED_BYTES = 64 * 1024;
const POOL_BYTES = 256 * 1024 * 1024;

/** The array type a dtype's storage takes: 0 Float32Array, 1 Float64Array, 2 Int32Array, 3 Uint8Array. */
type ArrayKind = 0 | 1 | 2 | 3;
const KIND: Readonly<Record<DType, ArrayKind>> = { float32: 0, float64: 1, int64: 1, int32: 2, bool: 3 };

const pool = new Map<number, TypedArray[]>();
let pooledBytes = 0;

function keyOf(kind: ArrayKind, length: number): number {
  return length * 4 + kind;
}

function kindOfArray(a: TypedArray): ArrayKind {
  if (a instanceof Float32Array) return 0;
  if (a instanceof Float64Array) return 1;
  if (a instanceof Int32Array) return 2;
  return 3;
}

interface UnzeroedAllocator {
  allocUnsafeSlow(size: number): Uint8Array;
}
const unzeroed: UnzeroedAllocator | undefined = (globalThis as { Buffer?: UnzeroedAllocator }).Buffer;

function environmentFlag(name: string): boolean {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  return value !== undefined && value !== '' && value !== '0';
}
let poison = environmentFlag('KINDLING_POISON_UNINITIALIZED');

/** Turns the NaN fill of handed-out buffers on or off (the tests' switch; the environment variable sets it at start). */
export function setPoisonUninitialized(on: boolean): void {
  poison = on;
}

/**
 * Where nothing hands out memory without zero-filling it (a browser), a large result is a fresh ArrayBuffer, and
 * the system maps in each of its pages on first write: in Chromium, training the example CNN took 4,900 page
 * faults a step (20 MB of fresh pages), more than half of the step's time. There the storage of a collected
 * tensor comes back to the pool instead: a FinalizationRegistry watches each large array handed out here, holding
 * its ArrayBuffer, and pools the buffer once the array is collected (the callbacks run when the event loop turns:
 * between the steps of a loop that yields, as a page's must). It is safe because every tensor on a storage holds
 * that one array object, so when the array is collected nothing reads the buffer any more; `numpy()`, whose
 * subarray of it may outlive the array, takes it off the watch (`escapeStorage`). The watch holds at most
 * WATCHED_BYTES, so a loop that never yields keeps no more than that of collected buffers.
 */
const WATCHED_BYTES = 256 * 1024 * 1024;

interface Watched {
  buffer: ArrayBuffer;
  kind: ArrayKind;
  length: number;
}

let recycling = unzeroed === undefined && typeof FinalizationRegistry === 'function';
let watchedBytes = 0;
const watched = new WeakSet<TypedArray>();
const collected: FinalizationRegistry<Watched> | null =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Watched>(({ buffer, kind, length }) => {
        watchedBytes -= length * bytesPerElement(kind);
        // A buffer transferred to another thread is detached here: nothing to reuse.
        if (buffer.byteLength === 0) return;
        releaseStorage(view(kind, buffer, length));
      })
    : null;

/**
 * Turns the reuse of collected tensors' storage on or off: on by default where no unzeroed allocator exists (a
 * browser), off in Node; the tests' switch. While on, large results come from the pool or a fresh ArrayBuffer.
 */
export function setStorageRecycling(on: boolean): void {
  recycling = on && collected !== null;
}

function watch(array: TypedArray, kind: ArrayKind): void {
  const bytes = array.byteLength;
  if (collected === null || watched.has(array) || watchedBytes + bytes > WATCHED_BYTES) return;
  if (!(array.buffer instanceof ArrayBuffer) || array.byteOffset !== 0 || array.buffer.byteLength !== bytes) return;
  watched.add(array);
  collected.register(array, { buffer: array.buffer, kind, length: array.length }, array);
  watchedBytes += bytes;
}

/** Takes a storage array off the watch: something else (a `numpy()` subarray) may now read its memory. */
export function escapeStorage(array: TypedArray): void {
  backendStorageOf(array)?.escape(array);
  if (collected === null || !watched.has(array)) return;
  watched.delete(array);
  collected.unregister(array);
  watchedBytes -= array.byteLength;
}

/**
 * The backends whose memory has held storage (kernels/backend.ts, BackendStorage): the active one hands out large
 * float and int64 storage, and each takes back or lets escape what it handed out, whichever backend is active by then.
 */
const backendStorages = new Set<BackendStorage>();

function backendStorageOf(array: TypedArray): BackendStorage | null {
  for (const s of backendStorages) if (s.owns(array)) return s;
  return null;
}

/**
 * Large storage in a Float32Array or Float64Array (float32, float64, and int64 such as max pooling's indices) from
 * the active backend's memory (kernels then read and write it in place), else null.
 */
function fromBackend(dtype: DType, n: number, result: boolean): TypedArray | null {
  const kind = KIND[dtype];
  if (kind !== 0 && kind !== 1) return null;
  const storage = getKernelBackend().storage;
  if (storage === undefined) return null;
  backendStorages.add(storage);
  return storage.allocate(kind === 1, n, result);
}

/**
 * `n` elements of `dtype`'s array type whose values are unspecified, or null when the caller should allocate
 * as usual (a small size, or memory that cannot be had: the usual path then raises the proper error).
 */
export function uninitializedStorage(dtype: DType, n: number): TypedArray | null {
  const bytes = n * ITEM_SIZE[dtype];
  if (!(bytes >= MIN_POOLED_BYTES)) return null;
  const resident = fromBackend(dtype, n, true);
  if (resident !== null) {
    if (poison) poisonFill(resident);
    return resident;
  }
  const kind = KIND[dtype];
  const stack = pool.get(keyOf(kind, n));
  let array: TypedArray | null = null;
  if (stack !== undefined && stack.length > 0) {
    array = stack.pop() as TypedArray;
    pooledBytes -= array.byteLength;
  } else if (bytes >= MIN_UNZEROED_BYTES && (recycling || unzeroed !== undefined)) {
    try {
      const buffer = recycling
        ? new ArrayBuffer(n * bytesPerElement(kind))
        : (unzeroed as UnzeroedAllocator).allocUnsafeSlow(n * bytesPerElement(kind)).buffer;
      array = view(kind, buffer, n);
    } catch {
      return null;
    }
  }
  if (array === null) return null;
  if (recycling) watch(array, kind);
  if (poison) poisonFill(array);
  return array;
}

/**
 * Hands a buffer back for reuse. The caller guarantees that nothing will read or write it again: the engine
 * does so for gradients it proved it alone holds.
 */
export function releaseStorage(array: TypedArray): void {
  const backend = backendStorageOf(array);
  if (backend !== null) return backend.release(array);
  const bytes = array.byteLength;
  if (bytes < MIN_POOLED_BYTES || pooledBytes + bytes > POOL_BYTES) return;
  if (array.byteOffset !== 0 || array.buffer.byteLength !== bytes) return;
  const key = keyOf(kindOfArray(array), array.length);
  const stack = pool.get(key);
  if (stack === undefined) pool.set(key, [array]);
  else stack.push(array);
  pooledBytes += bytes;
}

/** Whether the pool would take this array (large enough): a cheap test before anything else is checked. */
export function poolable(array: TypedArray): boolean {
  return array.byteLength >= MIN_POOLED_BYTES;
}

/**
 * Whether two typed arrays may share memory. Small ones are compared by identity only: reading `.buffer` of a
 * small typed array makes V8 move it off its heap (an allocation and a copy, on every call of a hot path), and
 * the pool never holds small arrays, so their aliasing never decides a reuse.
 */
export function mayShareStorage(a: TypedArray, b: TypedArray): boolean {
  if (a === b) return true;
  if (a.byteLength < MIN_POOLED_BYTES || b.byteLength < MIN_POOLED_BYTES) return false;
  // One buffer holds many storages when it is a backend's memory: they share memory only where their bytes meet.
  return overlaps(a, 0, a.length, b, 0, b.length);
}

/**
 * Large float or int64 storage for a result that is then filled (zeros, ones, full): from the active backend's memory
 * where it has some (filled here), else null.
 */
export function filledStorage(dtype: DType, n: number, value: number): TypedArray | null {
  if (!(n * ITEM_SIZE[dtype] >= MIN_POOLED_BYTES)) return null;
  const resident = fromBackend(dtype, n, false);
  resident?.fill(value);
  return resident;
}

/** Drops every pooled buffer (for the garbage collector to free). */
export function clearStoragePool(): void {
  pool.clear();
  pooledBytes = 0;
}

/** Bytes held by the pool now. */
export function pooledStorageBytes(): number {
  return pooledBytes;
}

function bytesPerElement(kind: ArrayKind): number {
  return kind === 0 || kind === 2 ? 4 : kind === 1 ? 8 : 1;
}

function view(kind: ArrayKind, buffer: ArrayBufferLike, n: number): TypedArray {
  switch (kind) {
    case 0:
      return new Float32Array(buffer, 0, n);
    case 1:
      return new Float64Array(buffer, 0, n);
    case 2:
      return new Int32Array(buffer, 0, n);
    case 3:
      return new Uint8Array(buffer, 0, n);
  }
}

function poisonFill(array: TypedArray): void {
  if (array instanceof Float32Array || array instanceof Float64Array) array.fill(NaN);
  else new Uint8Array(array.buffer, array.byteOffset, array.byteLength).fill(0x5a);
}
