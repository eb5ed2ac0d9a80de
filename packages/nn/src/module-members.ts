/**
 * What a Module takes as a parameter, buffer or sub-module, and PyTorch's errors for what it refuses: a name that
 * is not a plain attribute name, or a value of the wrong kind.
 */
import { Tensor } from '@kindling/core';
import { Parameter } from './parameter.js';
import type { Module } from './module.js';

/** The Module's own bookkeeping fields: assigning them never files a member. */
const INTERNAL = new Set([
  '_parameters',
  '_buffers',
  '_nonPersistent',
  '_modules',
  '_forwardHooks',
  '_forwardPreHooks',
  'training',
]);

/** Whether an assignment to the property `prop` may file or replace a parameter, buffer or sub-module. */
export function isMemberField(prop: string | symbol): prop is string {
  return typeof prop === 'string' && !INTERNAL.has(prop);
}

/** The Python type name PyTorch's messages give `value`. */
function describe(value: unknown): string {
  if (value === null) return 'NoneType';
  if (value instanceof Tensor) return 'torch.FloatTensor';
  return typeof value === 'object' ? value.constructor.name : typeof value;
}

/**
 * PyTorch's TypeError for assigning `value` to a field that holds a member of another kind (`slot`, as
 * `parameter 'weight' (torch.nn.Parameter or None expected)`), where only None may replace it.
 */
export function assertNoneFor(value: unknown, slot: string): asserts value is null | undefined {
  if (value !== null && value !== undefined) throw new TypeError(`cannot assign '${describe(value)}' as ${slot}`);
}

/** PyTorch's checks of the name a member is registered under: a string, without dots, and no other field's. */
export function checkName(name: string, module: Module, kind: '_parameters' | '_buffers' | '_modules'): void {
  const label = { _parameters: 'parameter', _buffers: 'buffer', _modules: 'module' }[kind];
  if (typeof name !== 'string') throw new TypeError(`${label} name should be a string. Got ${typeof name}`);
  if (name.includes('.')) throw new Error(`${label} name can't contain "."`);
  if (name === '') throw new Error(`${label} name can't be empty string ""`);
  const existing: unknown = Reflect.get(module, name);
  const taken = existing !== undefined && existing !== null && !module[kind].has(name);
  if (taken) throw new Error(`attribute '${name}' already exists`);
}

/** `register_parameter`'s checks of the value: a Parameter or None, and a Parameter must be a leaf. */
export function checkParameter(name: string, param: Parameter | null): void {
  if (param !== null && !(param instanceof Parameter)) {
    throw new TypeError(
      `cannot assign '${describe(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`,
    );
  }
  if (param !== null && !param.isLeaf) {
    throw new Error(
      `Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly.`,
    );
  }
}

/** `register_buffer`'s check of the value: a Tensor or None. */
export function checkBuffer(name: string, tensor: Tensor | null): void {
  if (tensor !== null && !(tensor instanceof Tensor)) {
    throw new TypeError(
      `cannot assign '${describe(tensor)}' object to buffer '${name}' (torch Tensor or None required)`,
    );
  }
}
