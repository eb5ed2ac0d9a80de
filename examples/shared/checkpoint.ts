/**
 * Checkpoints as safetensors files: written to a temporary file and renamed (never half-written), read back
 * with one clear message for a missing file, a corrupt file, or a checkpoint of another architecture.
 */
import * as torch from '@kindling/core';
import type { Module } from '@kindling/nn';
import { fail } from './cli.js';

export function saveCheckpoint(model: Module, path: string, metadata: Record<string, string> = {}): void {
  torch.save(model.stateDict(), path, { architecture: model.constructor.name, ...metadata });
}

export function loadCheckpoint(model: Module, path: string, hint: string): Record<string, string> {
  let state: Record<string, torch.Tensor>;
  let metadata: Record<string, string>;
  try {
    state = torch.load(path);
    metadata = torch.loadMetadata(path);
  } catch (e) {
    const message = (e as Error).message;
    if (/No such file/.test(message)) fail(`checkpoint not found: ${path}. ${hint}`);
    fail(`cannot read checkpoint ${path}: ${message}. The file is not a valid safetensors checkpoint; ${hint}`);
  }
  try {
    model.loadStateDict(state);
  } catch (e) {
    const arch = metadata.architecture ? ` (it was saved from a ${metadata.architecture})` : '';
    fail(`checkpoint ${path} does not fit ${model.constructor.name}${arch}:\n${(e as Error).message}`);
  }
  return metadata;
}
