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
    const result = fn();
    if (isPromiseLike(result)) warnAsyncCallback();
    return result;
  } finally {
    gradEnabled = previous;
    inferenceEnabled = previousInference;
  }
}

function isPromiseLike(x: unknown): boolean {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

let warnedAsync = false;

/**
 * Grad mode is one setting for the whole thread, as in PyTorch without threads: `noGrad(async () => ...)` restores
 * it when the callback returns its promise, so the code after its first `await` runs with recording back on.
 */
function warnAsyncCallback(): void {
  if (warnedAsync) return;
  warnedAsync = true;
  console.warn(
    'UserWarning: a noGrad/enableGrad/inferenceMode callback returned a Promise. Grad mode is one setting for the whole ' +
      'thread and is restored when the callback returns, so code after its first `await` runs with the previous mode. ' +
      'Await outside and keep the callback synchronous: `const x = await load(); const y = torch.noGrad(() => model.forward(x));`',
  );
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
