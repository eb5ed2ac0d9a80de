/**
 * One time step of a recurrent cell, as PyTorch's CPU cells compute it (aten/src/ATen/native/RNN.cpp): what the
 * recurrent layers run at each step of a sequence and the cell layers run once.
 */
import type { Tensor } from '@kindling/core';
import * as F from '../functional/index.js';

/** The cell: Elman with tanh or relu, LSTM or GRU (PyTorch's mode names). */
export type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** The gates a cell's weights stack, each `hidden` rows. */
export const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** One direction of one layer's parameters. */
export interface CellParams {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  /** The LSTM's projection of each hidden state (`weight_hr`), or null. */
  wHr?: Tensor | null;
}

/** The hidden state one cell carries: h, or (h, c) for the LSTM. */
export type Hidden = Tensor | [Tensor, Tensor];

/**
 * One time step of the cell, from the step's projected input `x` (W_ih x + b_ih, computed for the whole sequence
 * before the loop, as PyTorch does on the CPU).
 */
export function cellStep(mode: Mode, x: Tensor, hidden: Hidden, p: CellParams): Hidden {
  const linearHh = (h: Tensor): Tensor => F.linear(h, p.wHh, p.bHh);
  if (mode === 'LSTM') {
    const [hx, cx] = hidden as [Tensor, Tensor];
    const [i, f, g, o] = linearHh(hx).add(x).chunk(4, 1);
    const cy = f.sigmoid().mul(cx).add(i.sigmoid().mul(g.tanh()));
    const hy = o.sigmoid().mul(cy.tanh());
    return [p.wHr ? hy.matmul(p.wHr.t()) : hy, cy];
  }
  const h = hidden as Tensor;
  if (mode === 'GRU') {
    const [xr, xz, xn] = x.chunk(3, 1);
    const [hr, hz, hn] = linearHh(h).chunk(3, 1);
    const reset = hr.add(xr).sigmoid();
    const update = hz.add(xz).sigmoid();
    const candidate = xn.add(hn.mul(reset)).tanh();
    return h.sub(candidate).mul(update).add(candidate);
  }
  const pre = linearHh(h).add(x);
  return mode === 'RNN_TANH' ? pre.tanh() : pre.relu();
}
