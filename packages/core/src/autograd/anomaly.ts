/** Anomaly mode: nodes remember the stack of the forward op, and a NaN gradient names that op. */

let anomalyEnabled = false;

export function isAnomalyEnabled(): boolean {
  return anomalyEnabled;
}

export function setDetectAnomaly(enabled: boolean): void {
  anomalyEnabled = enabled;
}

/** `torch.autograd.detect_anomaly`: runs `fn` with anomaly detection on. */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = anomalyEnabled;
  anomalyEnabled = true;
  try {
    return fn();
  } finally {
    anomalyEnabled = previous;
  }
}
