/**
 * A Module's state dict, out (`stateDict`) and in (`loadStateDict`). Loading checks every key and shape before
 * anything is copied, so a failed load changes nothing; values are copied into the existing tensors, so the
 * Parameter objects an optimizer holds stay the same.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import type { Module } from './module.js';
import { torchSize } from './functional/util.js';

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** The parameters and persistent buffers of `module` and its descendants, under `prefix` and their dotted names. */
export function collectStateDict(module: Module, prefix: string, keepVars: boolean): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  const visit = (m: Module, at: string): void => {
    for (const [name, p] of m._parameters) if (p) out[at + name] = keepVars ? p : p.detach();
    for (const [name, b] of m._buffers)
      if (b && !m._nonPersistent.has(name)) out[at + name] = keepVars ? b : b.detach();
    for (const [name, c] of m._modules) if (c) visit(c, `${at}${name}.`);
  };
  visit(module, prefix);
  return out;
}

export function loadStateDictInto(model: Module, stateDict: Record<string, Tensor>, strict: boolean): LoadResult {
  const own = model.stateDict({ keepVars: true });
  const missingKeys: string[] = [];
  const errors: string[] = [];
  const copies: [Tensor, Tensor][] = [];
  for (const [key, target] of Object.entries(own)) {
    // Own keys only: `constructor` or `toString` in a checkpoint are keys like any other, never Object's members.
    if (!Object.hasOwn(stateDict, key)) {
      missingKeys.push(key);
      continue;
    }
    const src = stateDict[key];
    if (!(src instanceof torch.Tensor)) {
      errors.push(
        `While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeof src}`,
      );
      continue;
    }
    const a = src.shape;
    const b = target.shape;
    if (a.length !== b.length || a.some((s, i) => s !== b[i])) {
      errors.push(
        `size mismatch for ${key}: copying a param with shape ${torchSize(a)} from checkpoint, the shape in current model is ${torchSize(b)}.`,
      );
      continue;
    }
    copies.push([target, src]);
  }
  const unexpectedKeys = Object.keys(stateDict).filter((k) => !Object.hasOwn(own, k));
  if (strict) {
    if (unexpectedKeys.length > 0) {
      errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (missingKeys.length > 0) {
      errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
  }
  if (errors.length > 0) {
    throw new torch.RuntimeError(
      `Error(s) in loading state_dict for ${model.constructor.name}:\n\t${errors.join('\n\t')}`,
    );
  }
  torch.noGrad(() => {
    for (const [target, src] of copies) target.copy_(src);
  });
  return { missingKeys, unexpectedKeys };
}
