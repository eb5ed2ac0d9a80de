/**
 * The native convolution and pooling entries given bad arguments: arrays too short for the geometry, mismatched
 * or wrong types, bad geometry fields, overlapping outputs, bad indices and modes. Each call must throw, naming
 * the argument, before anything is written.
 */
import { expect, it } from 'vitest';
import type { ConvGeometry } from '../../core/src/kernels/conv.js';
import { describeAddon } from './built-addon.js';
import { convGeometry, convSizes } from './conv-cases.js';
import { type AvgMode, GUARD, SENTINEL, guarded, native, randomArray } from './conv-pool-addon.js';
import { poolGeometry } from './pool-cases.js';

describeAddon(native, 'native conv/pool argument checks', (addon) => {
  const g = convGeometry({ N: 2, C: 4, H: 6, W: 5, O: 6, k: [3, 3], pad: [1, 1, 1, 1], groups: 2 });
  const n = convSizes(g);
  const x = randomArray(Float32Array, n.x, 1);
  const w = randomArray(Float32Array, n.w, 2);
  const bias = randomArray(Float32Array, g.O, 3);
  const gy = randomArray(Float32Array, n.y, 4);

  /** Calls `call` with a fresh sentinel-filled output of `size` elements; it must throw `pattern` and leave it untouched. */
  function rejects(size: number, call: (out: Float32Array) => void, pattern: RegExp): void {
    const out = guarded(Float32Array, size, SENTINEL);
    expect(() => call(out.a as Float32Array)).toThrow(pattern);
    expect(
      (out.a as Float32Array).every((v) => v === SENTINEL),
      'output untouched',
    ).toBe(true);
    expect(out.intact(), 'guards untouched').toBe(true);
  }

  it('conv2dForward: arrays too short for the geometry', () => {
    rejects(n.y, (out) => addon.conv2dForward(x.subarray(0, n.x - 1), w, bias, g, out), /'x'/);
    rejects(n.y, (out) => addon.conv2dForward(x, w.subarray(0, n.w - 1), bias, g, out), /'w'/);
    rejects(n.y, (out) => addon.conv2dForward(x, w, bias.subarray(0, g.O - 1), g, out), /'bias'/);
    rejects(n.y - 1, (out) => addon.conv2dForward(x, w, bias, g, out), /'out'/);
    rejects(n.y, (out) => addon.conv2dForward(x, w, bias, { ...g, N: 3 }, out), /'x'/);
    rejects(n.y, (out) => addon.conv2dForward(x, w, bias, { ...g, OH: g.OH + 1 }, out), /'out'/);
  });

  it('conv2dForward: mismatched dtypes and wrong types', () => {
    rejects(n.y, (out) => addon.conv2dForward(x, Float64Array.from(w), bias, g, out), /'w' and 'x'/);
    rejects(n.y, (out) => addon.conv2dForward(x, w, Float64Array.from(bias), g, out), /'bias' and 'x'/);
    rejects(
      n.y,
      (out) => addon.conv2dForward(Float64Array.from(x), Float64Array.from(w), null, g, out),
      /'out' and 'x'/,
    );
    rejects(
      n.y,
      (out) => addon.conv2dForward(Array.from(x) as unknown as Float32Array, w, bias, g, out),
      /'x'.*Float32Array/,
    );
    rejects(n.y, (out) => addon.conv2dForward(new Int32Array(n.x) as unknown as Float32Array, w, bias, g, out), /'x'/);
    rejects(n.y, (out) => addon.conv2dForward(x, w, bias, null as unknown as ConvGeometry, out), /'g'/);
    rejects(n.y, (_out) => (addon.conv2dForward as unknown as (...a: unknown[]) => void)(x, w, bias, g), /5 arguments/);
  });

  it('conv2dForward: bad geometry fields', () => {
    const bad: [Partial<Record<keyof ConvGeometry, unknown>>, RegExp][] = [
      [{ kh: 1.5 }, /g\.kh.*integer/],
      [{ ph: -1 }, /g\.ph/],
      [{ N: -2 }, /g\.N/],
      [{ sw: 0 }, /g\.sw/],
      [{ dh: 0 }, /g\.dh/],
      [{ groups: 0 }, /g\.groups/],
      [{ groups: 3 }, /g\.groups.*divide/],
      [{ OW: Number.NaN }, /g\.OW/],
      [{ H: Number.POSITIVE_INFINITY }, /g\.H/],
      [{ C: '4' }, /g\.C/],
      [{ dw: undefined }, /g\.dw/],
      [{ W: 2 ** 40 }, /g\.W/],
    ];
    for (const [patch, pattern] of bad) {
      rejects(n.y, (out) => addon.conv2dForward(x, w, bias, { ...g, ...patch } as ConvGeometry, out), pattern);
    }
    // sizes whose products overflow
    const huge = { ...g, N: 2 ** 31 - 1, C: 2 ** 31 - 1, H: 2 ** 31 - 1, W: 2 ** 31 - 1, groups: 1 };
    rejects(n.y, (out) => addon.conv2dForward(x, w, bias, huge, out), /too large/);
  });

  it('conv2dForward: an output overlapping an input', () => {
    const shared = new Float32Array(n.x + n.y);
    shared.set(x);
    const before = Float32Array.from(shared);
    expect(() =>
      addon.conv2dForward(shared.subarray(0, n.x), w, bias, g, shared.subarray(n.x - 1, n.x - 1 + n.y)),
    ).toThrow(/overlap/);
    expect(shared).toEqual(before);
  });

  it('conv2dBackwardInput and conv2dBackwardWeight: sizes, dtypes, geometry', () => {
    rejects(n.x, (gx) => addon.conv2dBackwardInput(gy.subarray(1), w, g, gx), /'gy'/);
    rejects(n.x, (gx) => addon.conv2dBackwardInput(gy, w.subarray(1), g, gx), /'w'/);
    rejects(n.x - 1, (gx) => addon.conv2dBackwardInput(gy, w, g, gx), /'gx'/);
    rejects(
      n.x,
      (gx) => addon.conv2dBackwardInput(Float64Array.from(gy), Float64Array.from(w), g, gx),
      /'gx' and 'gy'/,
    );
    rejects(n.x, (gx) => addon.conv2dBackwardInput(gy, w, { ...g, pw: 0.5 }, gx), /g\.pw/);
    rejects(n.w, (gw) => addon.conv2dBackwardWeight(x.subarray(1), gy, g, gw), /'x'/);
    rejects(n.w, (gw) => addon.conv2dBackwardWeight(x, gy.subarray(1), g, gw), /'gy'/);
    rejects(n.w - 1, (gw) => addon.conv2dBackwardWeight(x, gy, g, gw), /'gw'/);
    rejects(n.w, (gw) => addon.conv2dBackwardWeight(x, Float64Array.from(gy), g, gw), /'gy' and 'x'/);
    rejects(n.w, (gw) => addon.conv2dBackwardWeight(x, gy, { ...g, O: 7 }, gw), /g\.groups/);
  });

  const pg = poolGeometry({ planes: 3, H: 7, W: 6, k: [3, 3], s: [2, 2], p: [1, 1] });
  const pin = pg.planes * pg.H * pg.W;
  const pout = pg.planes * pg.OH * pg.OW;
  const px = randomArray(Float32Array, pin, 9);
  const pgy = randomArray(Float32Array, pout, 10);
  const mode = { countIncludePad: true, divisorOverride: 0 };

  it('maxPool2dForward: sizes, dtypes, geometry, indices', () => {
    rejects(pout, (out) => addon.maxPool2dForward(px.subarray(1), pg, out, null), /'x'/);
    rejects(pout - 1, (out) => addon.maxPool2dForward(px, pg, out, null), /'out'/);
    rejects(pout, (out) => addon.maxPool2dForward(px, pg, out, new Float64Array(pout - 1)), /'indices'/);
    rejects(
      pout,
      (out) => addon.maxPool2dForward(px, pg, out, new Float32Array(pout) as unknown as Float64Array),
      /'indices'.*Float64Array/,
    );
    rejects(pout, (out) => addon.maxPool2dForward(Float64Array.from(px), pg, out, null), /'out' and 'x'/);
    rejects(pout, (out) => addon.maxPool2dForward(px, { ...pg, kw: 0 }, out, null), /g\.kw/);
    rejects(pout, (out) => addon.maxPool2dForward(px, { ...pg, dh: 2.5 }, out, null), /g\.dh/);
    rejects(pout, (out) => addon.maxPool2dForward(px, { ...pg, pw: -1 }, out, null), /g\.pw/);
    rejects(pout, (out) => addon.maxPool2dForward(px, { ...pg, planes: 4 }, out, null), /'x'/);
    const indices = new Float64Array(pout + 2 * GUARD).fill(SENTINEL);
    expect(() =>
      addon.maxPool2dForward(px, pg, new Float32Array(pout - 1), indices.subarray(GUARD, GUARD + pout)),
    ).toThrow(/'out'/);
    expect(indices.every((v) => v === SENTINEL)).toBe(true);
  });

  it('maxPool2dBackward: out-of-range, negative, fractional and NaN indices', () => {
    const idx = new Float64Array(pout);
    addon.maxPool2dForward(px, pg, new Float32Array(pout), idx);
    const HW = pg.H * pg.W;
    const OHW = pg.OH * pg.OW;
    for (const v of [HW, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e300]) {
      const bad = Float64Array.from(idx);
      bad[pout - 1] = v;
      rejects(pin, (gx) => addon.maxPool2dBackward(pgy, bad, pg.planes, HW, OHW, gx), /'indices'.*element/);
    }
    rejects(pin, (gx) => addon.maxPool2dBackward(pgy, idx, pg.planes, 1, OHW, gx), /'indices'/);
    rejects(pin, (gx) => addon.maxPool2dBackward(pgy.subarray(1), idx, pg.planes, HW, OHW, gx), /'gy'/);
    rejects(pin, (gx) => addon.maxPool2dBackward(pgy, idx.subarray(1), pg.planes, HW, OHW, gx), /'indices'/);
    rejects(pin - 1, (gx) => addon.maxPool2dBackward(pgy, idx, pg.planes, HW, OHW, gx), /'gx'/);
    rejects(
      pin,
      (gx) => addon.maxPool2dBackward(pgy, Float32Array.from(idx) as unknown as Float64Array, pg.planes, HW, OHW, gx),
      /'indices'/,
    );
    rejects(pin, (gx) => addon.maxPool2dBackward(pgy, idx, -1, HW, OHW, gx), /'planes'/);
    rejects(pin, (gx) => addon.maxPool2dBackward(pgy, idx, pg.planes, 2.5, OHW, gx), /'HW'/);
    rejects(pin, (gx) => addon.maxPool2dBackward(Float64Array.from(pgy), idx, pg.planes, HW, OHW, gx), /'gx' and 'gy'/);
  });

  it('avgPool2dForward / avgPool2dBackward: sizes, mode, geometry', () => {
    rejects(pout, (out) => addon.avgPool2dForward(px.subarray(1), pg, mode, out), /'x'/);
    rejects(pout - 1, (out) => addon.avgPool2dForward(px, pg, mode, out), /'out'/);
    rejects(
      pout,
      (out) => addon.avgPool2dForward(px, pg, { countIncludePad: 1 as unknown as boolean, divisorOverride: 0 }, out),
      /mode\.countIncludePad/,
    );
    rejects(
      pout,
      (out) => addon.avgPool2dForward(px, pg, { countIncludePad: true, divisorOverride: 1.5 }, out),
      /mode\.divisorOverride/,
    );
    rejects(pout, (out) => addon.avgPool2dForward(px, pg, null as unknown as AvgMode, out), /'mode'/);
    rejects(pout, (out) => addon.avgPool2dForward(px, { ...pg, sh: -2 }, mode, out), /g\.sh/);
    rejects(pin, (gx) => addon.avgPool2dBackward(pgy.subarray(1), pg, mode, gx), /'gy'/);
    rejects(pin - 1, (gx) => addon.avgPool2dBackward(pgy, pg, mode, gx), /'gx'/);
    rejects(pin, (gx) => addon.avgPool2dBackward(Float64Array.from(pgy), pg, mode, gx), /'gx' and 'gy'/);
  });

  it('adaptive pooling: sizes and dimensions', () => {
    const [P, H, W, OH, OW] = [3, 7, 6, 3, 2];
    const ax = randomArray(Float32Array, P * H * W, 3);
    const agy = randomArray(Float32Array, P * OH * OW, 4);
    rejects(P * OH * OW, (out) => addon.adaptiveAvgPool2dForward(ax.subarray(1), P, H, W, OH, OW, out), /'x'/);
    rejects(P * OH * OW - 1, (out) => addon.adaptiveAvgPool2dForward(ax, P, H, W, OH, OW, out), /'out'/);
    rejects(P * OH * OW, (out) => addon.adaptiveAvgPool2dForward(ax, P, H, W, -1, OW, out), /'OH'/);
    rejects(P * OH * OW, (out) => addon.adaptiveAvgPool2dForward(ax, P, H, 6.5, OH, OW, out), /'W'/);
    rejects(P * H * W - 1, (gx) => addon.adaptiveAvgPool2dBackward(agy, P, H, W, OH, OW, gx), /'gx'/);
    rejects(P * H * W, (gx) => addon.adaptiveAvgPool2dBackward(agy.subarray(1), P, H, W, OH, OW, gx), /'gy'/);
    rejects(
      P * OH * OW,
      (out) => addon.adaptiveMaxPool2dForward(ax, P, H, W, OH, OW, out, new Float64Array(1)),
      /'indices'/,
    );
    rejects(P * OH * OW, (out) => addon.adaptiveMaxPool2dForward(ax, P + 1, H, W, OH, OW, out, null), /'x'/);
    rejects(
      P * OH * OW,
      (out) => addon.adaptiveMaxPool2dForward(Float64Array.from(ax), P, H, W, OH, OW, out, null),
      /'out' and 'x'/,
    );
  });
});
