/**
 * An optimizer state dict as bytes: its tensors in the safetensors format (named `state.<index>.<key>`, e.g.
 * `state.0.exp_avg`) and everything else (`param_groups`, plain-number and null state entries) as JSON in the
 * file's metadata, so `torch.save`-style files and PyTorch's `safetensors` tooling can read the tensors.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { type HyperValue, type OptimizerStateDict, type ParamState, isStateList } from './optimizer.js';

const FORMAT_KEY = 'kindling.optimizer';
const FORMAT = 'state_dict/1';
const BODY_KEY = 'kindling.optimizer.state_dict';

type Encoded =
  | number
  | string
  | boolean
  | null
  | { tensor: string }
  | { float: string }
  | Encoded[]
  | { [k: string]: Encoded };

/** JSON has no Infinity or NaN: they travel as `{ "float": "inf" }`. */
function encodeNumber(v: number): Encoded {
  if (Number.isFinite(v)) return v;
  return { float: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' };
}

function encodeHyper(v: HyperValue): Encoded {
  if (typeof v === 'number') return encodeNumber(v);
  if (Array.isArray(v)) return (v as readonly number[]).map(encodeNumber);
  return v as Encoded;
}

function decode(v: unknown): HyperValue {
  if (Array.isArray(v)) return v.map((x) => decode(x) as number);
  if (typeof v === 'object' && v !== null && 'float' in v) {
    const f = (v as { float: string }).float;
    return f === 'nan' ? NaN : f === 'inf' ? Infinity : -Infinity;
  }
  return v as HyperValue;
}

/**
 * An optimizer state dict as safetensors bytes (tensors as tensors, the rest as JSON metadata), for `torch.save`-like checkpoints.
 *
 * @example
 * ```ts
 * import { SGD, serializeOptimizerState, deserializeOptimizerState } from '@kindling/optim';
 *
 * const w = torch.ones(2, { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * w.sum().backward();
 * opt.step();
 * const bytes = serializeOptimizerState(opt.stateDict());
 * const restored = new SGD([w], { lr: 0.5 });
 * restored.loadStateDict(deserializeOptimizerState(bytes));
 * console.log(restored.paramGroups[0].lr, restored.state.get(w));
 * ```
 * ```text
 * 0.1 { momentum_buffer: tensor([1., 1.]) }
 * ```
 */
export function serializeOptimizerState(sd: OptimizerStateDict): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  const state: Record<string, Record<string, Encoded>> = {};
  for (const [index, s] of Object.entries(sd.state)) {
    const entry: Record<string, Encoded> = {};
    const encode = (v: Tensor | number | null, name: string): Encoded => {
      if (v instanceof torch.Tensor) {
        tensors[name] = v;
        return { tensor: name };
      }
      return v === null ? null : encodeNumber(v);
    };
    for (const [key, v] of Object.entries(s)) {
      const name = `state.${index}.${key}`;
      // A list (LBFGS's history) keeps its order: its tensors are named `state.<index>.<key>.<position>`.
      entry[key] = isStateList(v) ? v.map((e, i) => encode(e, `${name}.${i}`)) : encode(v, name);
    }
    state[index] = entry;
  }
  const groups = sd.param_groups.map((g) =>
    Object.fromEntries(Object.entries(g).map(([k, v]) => [k, encodeHyper(v as HyperValue)])),
  );
  const body = JSON.stringify({ state, param_groups: groups });
  return torch.serialize(tensors, { [FORMAT_KEY]: FORMAT, [BODY_KEY]: body });
}

/** The state dict that `serializeOptimizerState` wrote, ready for `loadStateDict`. */
export function deserializeOptimizerState(bytes: Uint8Array): OptimizerStateDict {
  const metadata = torch.deserializeMetadata(bytes);
  if (metadata[FORMAT_KEY] !== FORMAT || metadata[BODY_KEY] === undefined) {
    throw new torch.ValueError(
      `not an optimizer state dict: the metadata has no '${FORMAT_KEY}' entry of format '${FORMAT}'`,
    );
  }
  const tensors = torch.deserialize(bytes);
  const body = JSON.parse(metadata[BODY_KEY]) as {
    state: Record<string, Record<string, unknown>>;
    param_groups: Record<string, unknown>[];
  };
  const state: Record<number, ParamState> = {};
  for (const [index, s] of Object.entries(body.state)) {
    const entry: ParamState = {};
    const decodeEntry = (v: unknown): Tensor | number | null => {
      if (typeof v === 'object' && v !== null && 'tensor' in v) {
        const name = (v as { tensor: string }).tensor;
        const t = Object.hasOwn(tensors, name) ? tensors[name] : undefined;
        if (!t) throw new torch.ValueError(`optimizer state dict is missing tensor '${name}'`);
        return t;
      }
      return decode(v) as number | null;
    };
    for (const [key, v] of Object.entries(s)) {
      setOwn(entry, key, Array.isArray(v) ? v.map(decodeEntry) : decodeEntry(v));
    }
    state[Number(index)] = entry;
  }
  const param_groups = body.param_groups.map((g) => {
    const out: Record<string, HyperValue> = {};
    for (const [k, v] of Object.entries(g)) setOwn(out, k, decode(v));
    return out as OptimizerStateDict['param_groups'][number];
  });
  return { state, param_groups };
}

/** A key read from a file becomes an own property, whatever its name (`__proto__` included). */
function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
