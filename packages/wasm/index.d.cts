/** The four builds of the kernels: plain or relaxed SIMD, with a private or a shared (threads) memory. */
export type WasmVariant = 'simd' | 'simd-threads' | 'relaxed' | 'relaxed-threads';
/** Paths of the compiled modules, or null when they were not built (then `reason` says why). */
export declare const files: Record<WasmVariant, string> | null;
export declare const reason: string | null;
