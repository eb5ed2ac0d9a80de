/** Python's `warnings.warn` under the default filter, shared by every package so a warning shows once in all. */

const warned = new Set<string>();

/** Prints `UserWarning: message` the first time a message is warned, as Python's default filter does for one call site. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(`UserWarning: ${message}`);
}
