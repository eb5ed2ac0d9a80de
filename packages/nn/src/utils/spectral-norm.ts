/**
 * `nn.utils.spectralNorm` and `nn.utils.removeSpectralNorm`: a weight divided by its largest singular value σ,
 * estimated by power iteration (Miyato et al.), as PyTorch's `spectral_norm` does it. The parameter becomes
 * `<name>_orig`, the iteration's vectors the buffers `<name>_u` and `<name>_v`, and a forward pre-hook recomputes the
 * weight before every `forward`, advancing the iteration in training only.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import type { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { ConvTranspose1d, ConvTranspose2d } from '../layers/conv.js';
import * as F from '../functional/index.js';

type Fields = Record<string, Tensor | null | undefined>;

interface SpectralNormHook {
  nPowerIterations: number;
  dim: number;
  eps: number;
  remove: () => void;
}

const registered = new WeakMap<Module, Map<string, SpectralNormHook>>();

/** The weight as a matrix with `dim` first: (size of dim, everything else). */
function weightMatrix(weight: Tensor, dim: number): Tensor {
  const w = dim === 0 ? weight : weight.permute(dim, ...weight.shape.map((_, d) => d).filter((d) => d !== dim));
  return w.reshape([w.shape[0], -1]);
}

/** `t / max(‖t‖, eps)` for a vector, written into `into` (PyTorch's `normalize(..., out=)`). */
function normalizeInto(t: Tensor, eps: number, into: Tensor): Tensor {
  return into.copy_(F.normalize(t, { dim: 0, eps }));
}

function computeWeight(module: Module, name: string, hook: SpectralNormHook, powerIteration: boolean): Tensor {
  const fields = module as unknown as Fields;
  const weight = fields[`${name}_orig`] as Tensor;
  let u = fields[`${name}_u`] as Tensor;
  let v = fields[`${name}_v`] as Tensor;
  const mat = weightMatrix(weight, hook.dim);
  if (powerIteration) {
    torch.noGrad(() => {
      for (let i = 0; i < hook.nPowerIterations; i++) {
        v = normalizeInto(mat.t().mv(u), hook.eps, v);
        u = normalizeInto(mat.mv(v), hook.eps, u);
      }
      // The buffers go on being updated in place; the weight's graph keeps copies of this step's vectors.
      u = u.clone();
      v = v.clone();
    });
  }
  const sigma = u.dot(mat.mv(v));
  return weight.div(sigma);
}

/**
 * `spectral_norm(module, name='weight', n_power_iterations=1, eps=1e-12, dim=None)`: `module[name]` becomes the
 * weight over its spectral norm; `dim` (default 0, or 1 for the transposed convolutions) is the output dim.
 *
 * @example
 * ```ts
 * const layer = nn.utils.spectralNorm(new nn.Linear(4, 3));
 * console.log(Object.keys(layer.stateDict()), layer.weight_u.shape, layer.weight_v.shape);
 * ```
 * ```text
 * [ 'bias', 'weight_orig', 'weight_u', 'weight_v' ] torch.Size([3]) torch.Size([4])
 * ```
 */
export function spectralNorm<M extends Module>(
  module: M,
  name = 'weight',
  options: { nPowerIterations?: number; eps?: number; dim?: number | null } = {},
): M & Record<`${typeof name}_orig` | `${typeof name}_u` | `${typeof name}_v`, Tensor> {
  const { nPowerIterations = 1, eps = 1e-12 } = options;
  const dim = options.dim ?? (module instanceof ConvTranspose1d || module instanceof ConvTranspose2d ? 1 : 0);
  if (nPowerIterations <= 0) {
    throw new torch.ValueError(
      `Expected n_power_iterations to be positive, but got n_power_iterations=${nPowerIterations}`,
    );
  }
  const hooks = registered.get(module) ?? new Map<string, SpectralNormHook>();
  if (hooks.has(name))
    throw new torch.RuntimeError(`Cannot register two spectral_norm hooks on the same parameter ${name}`);
  const fields = module as unknown as Fields;
  const weight = fields[name];
  if (!(weight instanceof Parameter))
    throw new torch.ValueError(`spectral_norm: the module has no parameter '${name}'`);
  const [h, w] = weightMatrix(weight.detach(), dim).shape;
  const start = (n: number): Tensor =>
    torch.noGrad(() => F.normalize(torch.empty([n], { dtype: weight.dtype }).normal_(0, 1), { dim: 0, eps }));
  const [u, v] = [start(h), start(w)];
  delete fields[name];
  fields[`${name}_orig`] = weight;
  fields[name] = weight.detach();
  module.registerBuffer(`${name}_u`, u);
  module.registerBuffer(`${name}_v`, v);
  const hook: SpectralNormHook = { nPowerIterations, dim, eps, remove: () => undefined };
  const handle = module.registerForwardPreHook((m) => {
    fields[name] = computeWeight(m, name, hook, m.training);
  });
  hook.remove = () => handle.remove();
  hooks.set(name, hook);
  registered.set(module, hooks);
  return module as M & Record<`${typeof name}_orig` | `${typeof name}_u` | `${typeof name}_v`, Tensor>;
}

/** `remove_spectral_norm(module, name='weight')`: the normalised weight back as the parameter. */
export function removeSpectralNorm<M extends Module>(module: M, name = 'weight'): M {
  const hook = registered.get(module)?.get(name);
  if (hook === undefined) throw new torch.ValueError(`spectral_norm of '${name}' not found in ${String(module)}`);
  const fields = module as unknown as Fields;
  const weight = torch.noGrad(() => computeWeight(module, name, hook, false));
  hook.remove();
  delete fields[name];
  delete fields[`${name}_orig`];
  delete fields[`${name}_u`];
  delete fields[`${name}_v`];
  fields[name] = new Parameter(weight.detach());
  registered.get(module)?.delete(name);
  return module;
}
