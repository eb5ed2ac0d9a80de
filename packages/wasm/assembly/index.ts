/**
 * Kindling's WebAssembly kernels. Every entry takes raw pointers into this module's memory (which the host
 * imports, shared when threads are on) and knows nothing of tensors; the host (packages/core/src/kernels/wasm.ts)
 * copies operands in and results out, and splits work between threads.
 */
export { gemmWorkBytes, sgemm, dgemm } from './gemm';

/** The first byte past this module's static data: the host's allocations start here. */
export function heapBase(): usize {
  return __heap_base;
}
export { convForward32, convForward64, convForwardRows32, convForwardRows64, convForwardChannels32, convForwardChannels64, convBackwardInput32, convBackwardInput64, convBackwardWeight32, convBackwardWeight64 } from './conv';
export { maxPoolForward32, maxPoolForward64, maxPoolBackward32, maxPoolBackward64, maxPoolBadIndex, averagePool32, averagePool64 } from './pool';
export { batchNormForward32, batchNormBackward32 } from './norm';
export { layerNormForward32, layerNormBackwardRows32, layerNormBackwardColumns32 } from './layer-norm';
export { unary32, unary64, binary32, binary64 } from './elementwise';
export { softmaxRows32, softmaxRows64, softmaxColumns32, softmaxColumns64, softmaxBackwardRows32, softmaxBackwardColumns32 } from './softmax';
export { sgdUpdate32, adamUpdate32, sumDim32, sumDim64 } from './optim';
