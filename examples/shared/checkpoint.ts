/**
 * Checkpoints as safetensors files: written to a temporary file and renamed (never half-written), read back
 * (safetensors, or a state dict PyTorch's torch.save wrote) with one clear message for a missing file, a corrupt
 * file, or a checkpoint of another architecture.
 */
import * as torch from '@kindling/core';
import type { Module } from '@kindling/nn';
import { fail } from './cli.js';

export function saveCheckpoint(model: Module, path: string, metadata: Record<string, string> = {}): void {
  torch.save(model.stateDict(), path, { architecture: model.constructor.name, ...metadata });
}

export interface Checkpoint {
  path: string;
  state: Record<string, torch.Tensor>;
  metadata: Record<string, string>;
}

/** Reads a checkpoint's tensors and metadata; `hint` tells the user what to do when there is none to read. */
export function readCheckpoint(path: string, hint: string): Checkpoint {
  try {
    return { path, state: torch.load(path), metadata: torch.loadMetadata(path) };
  } catch (e) {
    const message = (e as Error).message;
    if (/No such file/.test(message)) fail(`checkpoint not found: ${path}. ${hint}`);
    fail(
      `cannot read checkpoint ${path}: ${message}. The file is neither a safetensors checkpoint nor a state dict PyTorch saved. ${hint}`,
    );
  }
}

/** How a state dict differs from the one `model` expects, in one line. */
function mismatchSummary(model: Module, state: Record<string, torch.Tensor>): string {
  const expected = model.stateDict();
  const missing = Object.keys(expected).filter((k) => !(k in state)).length;
  const unexpected = Object.keys(state).filter((k) => !(k in expected)).length;
  const shapes = Object.keys(state).filter(
    (k) => k in expected && expected[k].shape.join() !== state[k].shape.join(),
  ).length;
  return `${missing} missing key(s), ${unexpected} unexpected key(s), ${shapes} size mismatch(es)`;
}

/** Copies a checkpoint into `model`; a key or shape mismatch stops with PyTorch's list of them and `hint`. */
export function applyCheckpoint(model: Module, checkpoint: Checkpoint, hint: string): void {
  try {
    model.loadStateDict(checkpoint.state);
  } catch (e) {
    const arch = checkpoint.metadata.architecture ? ` (it was saved from a ${checkpoint.metadata.architecture})` : '';
    const summary = mismatchSummary(model, checkpoint.state);
    fail(
      `checkpoint ${checkpoint.path} does not fit ${model.constructor.name}${arch}: ${summary}. ${hint}\n${(e as Error).message}`,
    );
  }
}

export function loadCheckpoint(model: Module, path: string, hint: string): Record<string, string> {
  const checkpoint = readCheckpoint(path, hint);
  applyCheckpoint(model, checkpoint, hint);
  return checkpoint.metadata;
}
