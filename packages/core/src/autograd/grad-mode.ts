/** Grad mode: one module-level state, restored with try/finally or by disposing a guard. */

let gradEnabled = true;
let inferenceEnabled = false;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

export function isInferenceModeEnabled(): boolean {
  return inferenceEnabled;
}

/** Sets grad mode and returns a guard that restores the previous mode when disposed. */
export function setGradEnabled(enabled: boolean): Disposable {
  const previous = gradEnabled;
  gradEnabled = enabled;
  return { [Symbol.dispose]: () => void (gradEnabled = previous) };
}

function withMode<T>(enabled: boolean, inference: boolean | null, fn: () => T): T {
  const previous = gradEnabled;
  const previousInference = inferenceEnabled;
  gradEnabled = enabled;
  if (inference !== null) inferenceEnabled = inference;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
    inferenceEnabled = previousInference;
  }
}

function guard(enabled: boolean, inference: boolean | null): Disposable {
  const previous = gradEnabled;
  const previousInference = inferenceEnabled;
  gradEnabled = enabled;
  if (inference !== null) inferenceEnabled = inference;
  return {
    [Symbol.dispose]: () => {
      gradEnabled = previous;
      inferenceEnabled = previousInference;
    },
  };
}

/**
 * `torch.no_grad`: `noGrad(() => ...)` runs the function with recording off and returns its result;
 * `using _ = noGrad()` turns recording off until the end of the block.
 */
export function noGrad(): Disposable;
export function noGrad<T>(fn: () => T): T;
export function noGrad<T>(fn?: () => T): T | Disposable {
  return fn ? withMode(false, null, fn) : guard(false, null);
}

/** `torch.enable_grad`: recording on, inside a `noGrad` region too. */
export function enableGrad(): Disposable;
export function enableGrad<T>(fn: () => T): T;
export function enableGrad<T>(fn?: () => T): T | Disposable {
  return fn ? withMode(true, null, fn) : guard(true, null);
}

/** `torch.inference_mode`: like `noGrad` (Kindling keeps no extra inference-tensor state). */
export function inferenceMode(): Disposable;
export function inferenceMode<T>(fn: () => T): T;
export function inferenceMode<T>(fn?: () => T): T | Disposable {
  return fn ? withMode(false, true, fn) : guard(false, true);
}
