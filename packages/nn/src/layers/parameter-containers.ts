/**
 * `nn.ParameterList` and `nn.ParameterDict`: parameters held by position or by name, registered on the container so
 * that `parameters()`, state dicts and optimizers see them (`ps.0`, `pd.w`), as PyTorch's. A plain tensor put in
 * becomes a Parameter (requiring grad), as there.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { DictContainer, present } from './container.js';

function asParameter(t: Tensor): Parameter {
  return t instanceof Parameter ? t : new Parameter(t);
}

/** One line of the containers' reprs: `Parameter containing: [<type> of size 3x4]`. */
function describe(p: Parameter, type: string): string {
  return `Parameter containing: [${type} of size ${p.shape.join('x')}]`;
}

/**
 * Parameters by position (`torch.nn.ParameterList`).
 *
 * @example
 * ```ts
 * const scales = new nn.ParameterList([torch.ones(3), torch.zeros(2, 2)]);
 * console.log(scales);
 * console.log(scales.get(-1).requiresGrad, Object.keys(scales.stateDict()));
 * ```
 * ```text
 * ParameterList(
 *     (0): Parameter containing: [torch.float32 of size 3]
 *     (1): Parameter containing: [torch.float32 of size 2x2]
 * )
 * true [ '0', '1' ]
 * ```
 */
export class ParameterList extends Module {
  /** Registers the tensors, in order, as parameters `0`, `1`, ... */
  constructor(values: Iterable<Tensor> = []) {
    super();
    this.extend(values);
  }

  /** The number of parameters. */
  get length(): number {
    return this._parameters.size;
  }

  /** `list[i]` (negative counts from the end); PyTorch's IndexError past the end. */
  get(index: number): Parameter {
    return this._parameters.get(String(this.position(index))) as Parameter;
  }

  /** `list[i] = value`, as a Parameter. */
  set(index: number, value: Tensor): void {
    this.registerParameter(String(this.position(index)), asParameter(value));
  }

  /** Adds a parameter at the end. */
  append(value: Tensor): this {
    this.registerParameter(String(this._parameters.size), asParameter(value));
    return this;
  }

  /** Adds the tensors at the end, in order, as parameters. */
  extend(values: Iterable<Tensor>): this {
    for (const v of values) this.append(v);
    return this;
  }

  /** The parameters, in order. */
  [Symbol.iterator](): Iterator<Parameter> {
    return present(this._parameters)
      .map(([, p]) => p)
      [Symbol.iterator]();
  }

  /** One line a parameter, as PyTorch prints them. */
  override extraRepr(): string {
    return [...this].map((p, i) => `  (${i}): ${describe(p, `torch.${p.dtype}`)}`).join('\n');
  }

  private position(index: number): number {
    const n = this._parameters.size;
    if (!Number.isInteger(index) || index < -n || index >= n)
      throw new torch.IndexError(`index ${index} is out of range`);
    return index < 0 ? index + n : index;
  }
}

/**
 * Parameters by name, in insertion order (`torch.nn.ParameterDict`).
 *
 * @example
 * ```ts
 * const heads = new nn.ParameterDict({ scale: torch.ones(2), shift: torch.zeros(2) });
 * console.log(heads);
 * console.log(heads.keys(), heads.get('shift').shape);
 * ```
 * ```text
 * ParameterDict(
 *     (scale): Parameter containing: [torch.FloatTensor of size 2]
 *     (shift): Parameter containing: [torch.FloatTensor of size 2]
 * )
 * [ 'scale', 'shift' ] torch.Size([2])
 * ```
 */
export class ParameterDict extends DictContainer<Parameter, Tensor> {
  /** The parameters, by key. */
  protected registry(): ReadonlyMap<string, Parameter | null> {
    return this._parameters;
  }

  /** `dict[key]`; PyTorch's AttributeError for a missing key (it reads the key as an attribute). */
  get(key: string): Parameter {
    const p = this._parameters.get(key);
    if (!p) throw new torch.AttributeError(`'ParameterDict' object has no attribute '${key}'`);
    return p;
  }

  /** `dict[key] = value`, as a Parameter. */
  set(key: string, value: Tensor): void {
    this.registerParameter(key, asParameter(value));
  }

  /** Removes `key` and returns its parameter (`pop`). */
  pop(key: string): Parameter {
    const p = this.get(key);
    this._parameters.delete(key);
    return p;
  }

  /** One line a parameter, as PyTorch prints them. */
  override extraRepr(): string {
    return this.entries()
      .map(([k, p]) => `  (${k}): ${describe(p, torch.typename(p))}`)
      .join('\n');
  }
}
