/**
 * The WebAssembly module's memory past its static data and GEMM scratch: one heap for each call's scratch (the
 * arena its operands are copied into) and, where the memory is shared, for the storage of large tensors
 * (BackendStorage: backend.ts). A tensor stored there is read and written by the kernels where it is, so a call
 * copies only operands that live in JavaScript memory. A shared memory never detaches when it grows, so those
 * arrays stay valid; a private one (no threads) does, so it holds no tensors.
 *
 * Blocks come from the top of the heap and, once freed, are reused by blocks of the same size (a training or
 * evaluation loop asks for the same sizes every step). A tensor's block is freed when the engine releases its
 * storage, or when its array has been collected (a FinalizationRegistry: V8 reports collected targets after a full
 * collection, and its callbacks run when the event loop turns). Tensors take at most RESIDENT_TOP of the memory;
 * past that, storage is ordinary memory again and its kernels copy.
 */
import type { TypedArray } from '../dtype.js';
import type { BackendStorage } from './backend.js';
import type { FloatArray } from './gemm.js';

const PAGE = 65536;
/** The memory's largest size (a shared memory reserves its maximum up front): 2 GiB. */
export const MAX_PAGES = 32768;
/** Tensors' blocks end below this address, so that calls always find room for their scratch above. */
const RESIDENT_TOP = 1024 * 1024 * 1024;
/**
 * Op results in the memory at most at once: beyond, results are ordinary arrays. Results the engine releases come
 * back at once; the others once their arrays are collected, which V8 reports only after a full collection (its
 * scavenges keep FinalizationRegistry targets), so a loop reaches this between full collections, yielding or not,
 * and goes on with copies, holding no more than this of the memory (docs/backends.md).
 */
const RESULT_BYTES = 128 * 1024 * 1024;
const ALIGN = 64;
const FIRST_ARENA = 1 << 20;

export const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

interface Block {
  at: number;
  bytes: number;
  /** An op's result (counted in RESULT_BYTES). */
  result?: boolean;
}

export class ModuleHeap implements BackendStorage {
  private top: number;
  private readonly freeBySize = new Map<number, number[]>();
  private readonly blocks = new WeakMap<TypedArray, Block>();
  /** The memory's buffers that tensors' arrays were made on (a new one after each growth). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly collected: FinalizationRegistry<Block> | null;
  private arena: Block;
  /** Bytes of op results handed out and not yet back. */
  private resultBytes = 0;

  /**
   * Manages the memory from `start` on; `holdsTensors`: whether tensors' storage may live here (a shared
   * memory).
   */
  constructor(
    private readonly memory: WebAssembly.Memory,
    start: number,
    readonly holdsTensors: boolean,
  ) {
    this.top = align(start);
    this.arena = this.take(FIRST_ARENA) ?? { at: this.top, bytes: 0 };
    this.collected =
      holdsTensors && typeof FinalizationRegistry === 'function'
        ? new FinalizationRegistry<Block>((b) => this.give(b))
        : null;
  }

  /** The arena of this call's scratch: at least `bytes`, at an address that changes only when it grows. */
  scratch(bytes: number): number {
    if (bytes > this.arena.bytes) {
      const grown = this.take(align(Math.max(bytes, 2 * this.arena.bytes)), Infinity);
      if (grown === null) {
        throw new RangeError(
          `the WebAssembly kernels need ${bytes} bytes of scratch memory, more than is left of ${MAX_PAGES * PAGE}`,
        );
      }
      if (this.arena.bytes > 0) this.give(this.arena);
      this.arena = grown;
    }
    return this.arena.at;
  }

  /** A view of `n` elements of `like`'s type at address `at`. */
  view(like: FloatArray, at: number, n: number): FloatArray {
    return like instanceof Float32Array
      ? new Float32Array(this.memory.buffer, at, n)
      : new Float64Array(this.memory.buffer, at, n);
  }

  /** A view of `n` i32s at address `at`. */
  ints(at: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, n);
  }

  /** The address of element `off` of `a` when `a` lives in this memory, else null. */
  addressOf(a: TypedArray, off: number): number | null {
    return this.buffers.has(a.buffer) ? a.byteOffset + off * a.BYTES_PER_ELEMENT : null;
  }

  allocate(float64: boolean, n: number, result: boolean): FloatArray | null {
    if (!this.holdsTensors) return null;
    const bytes = align(n * (float64 ? 8 : 4));
    if (result && this.resultBytes + bytes > RESULT_BYTES) return null;
    const block = this.take(bytes, RESIDENT_TOP);
    if (block === null) return null;
    if (result) {
      block.result = true;
      this.resultBytes += bytes;
    }
    const buffer = this.memory.buffer;
    const array = float64 ? new Float64Array(buffer, block.at, n) : new Float32Array(buffer, block.at, n);
    this.buffers.add(buffer);
    this.blocks.set(array, block);
    this.collected?.register(array, block, array);
    return array;
  }

  owns(a: TypedArray): boolean {
    return this.blocks.has(a);
  }

  release(a: TypedArray): void {
    const block = this.forget(a);
    if (block !== null) this.give(block);
  }

  escape(a: TypedArray): void {
    this.forget(a);
  }

  private forget(a: TypedArray): Block | null {
    const block = this.blocks.get(a);
    if (block === undefined) return null;
    this.blocks.delete(a);
    this.collected?.unregister(a);
    return block;
  }

  /** A block of `bytes` (a multiple of ALIGN): a freed one of that size, else from the top, ending below `limit`. */
  private take(bytes: number, limit = Infinity): Block | null {
    const reused = this.freeBySize.get(bytes)?.pop();
    if (reused !== undefined) return { at: reused, bytes };
    const end = this.top + bytes;
    if (end > Math.min(limit, MAX_PAGES * PAGE - ALIGN)) return null;
    // A little past the top stays in the memory: some kernels load a vector that reaches one element past a run.
    const have = this.memory.buffer.byteLength;
    if (end + ALIGN > have) this.memory.grow(Math.ceil((end + ALIGN - have) / PAGE));
    const block = { at: this.top, bytes };
    this.top = end;
    return block;
  }

  private give(block: Block): void {
    if (block.result === true) this.resultBytes -= block.bytes;
    const list = this.freeBySize.get(block.bytes);
    if (list === undefined) this.freeBySize.set(block.bytes, [block.at]);
    else list.push(block.at);
  }
}
