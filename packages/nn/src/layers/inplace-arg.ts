/**
 * The `inplace` argument of the layers that have one, as PyTorch's positional `inplace=` or in an options object:
 * `new nn.ReLU(true)` and `new nn.ReLU({ inplace: true })`, `new nn.Dropout(0.5, { inplace: true })`.
 */
export type InplaceArg = boolean | { inplace?: boolean };

export function inplaceOf(arg: InplaceArg | undefined): boolean {
  return typeof arg === 'object' && arg !== null ? (arg.inplace ?? false) : (arg ?? false);
}
