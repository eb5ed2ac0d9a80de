/**
 * Max pooling's forward, and average pooling (fixed or adaptive windows) forward and backward, over `planes`
 * contiguous H x W planes. Max pooling follows PyTorch's CPU rules as in
 * packages/core/src/kernels/pool.ts: a window starts at its first in-input element and takes a later one when it
 * is strictly greater or NaN (the last NaN wins); indices are flat positions h·W + w in the plane, stored as f64.
 * Planes [p0, p1) per call, so the host can split planes between threads; so does the backward, a scatter of the
 * gradient.
 */

// The geometry block of i32s: planes, H, W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw.
const H = 1, W = 2, OH = 3, OW = 4, KH = 5, KW = 6, SH = 7, SW = 8, PH = 9, PW = 10, DH = 11, DW = 12;

@inline function geo(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

/**
 * Four interior outputs of one output row, q to q + 3, in SIMD lanes: lane k holds output q + k, whose window
 * starts at input column first + k·sw. Rows h0, h0 + dh, ... < h1; columns first + j·dw for j < kw. The same
 * comparisons as the scalar loop, lane by lane: a later value is taken when it is greater or NaN, so NaNs, their
 * payloads and the first of tied values come out as the TypeScript kernel's.
 */
@inline function maxGroup32(xb: usize, w: i32, h0: i32, h1: i32, dh: i32, kw: i32, first: i32, dw: i32, sw: i32,
                            out: usize, indices: usize): void {
  const lanes = i32x4(0, sw, 2 * sw, 3 * sw);
  let best = f32x4.splat(-Infinity);
  let at = i32x4.add(i32x4.splat(h0 * w + first), lanes);
  if (sw == 2 && kw == 2 && dw == 1) {
    // MaxPool2d(2)'s windows: each row's eight columns hold the four windows' pairs, split into even and odd.
    for (let ih = h0; ih < h1; ih += dh) {
      const col = ih * w + first;
      const p = xb + (<usize>col << 2);
      const a = v128.load(p), b = v128.load(p, 16);
      const even = i32x4.shuffle(a, b, 0, 2, 4, 6);
      const odd = i32x4.shuffle(a, b, 1, 3, 5, 7);
      const evenAt = i32x4.add(i32x4.splat(col), lanes);
      let take = v128.or(f32x4.gt(even, best), f32x4.ne(even, even));
      best = v128.bitselect(even, best, take);
      at = v128.bitselect(evenAt, at, take);
      take = v128.or(f32x4.gt(odd, best), f32x4.ne(odd, odd));
      best = v128.bitselect(odd, best, take);
      at = v128.bitselect(i32x4.add(evenAt, i32x4.splat(1)), at, take);
    }
  } else {
    for (let ih = h0; ih < h1; ih += dh) {
      const row = ih * w;
      for (let j = 0; j < kw; j++) {
        const col = row + first + j * dw;
        const p = xb + (<usize>col << 2);
        let v = v128.load(p);
        if (sw == 2) v = i32x4.shuffle(v, v128.load(p, 16), 0, 2, 4, 6);
        const take = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
        best = v128.bitselect(v, best, take);
        at = v128.bitselect(i32x4.add(i32x4.splat(col), lanes), at, take);
      }
    }
  }
  v128.store(out, best);
  if (indices != 0) {
    v128.store(indices, f64x2.convert_low_i32x4_s(at));
    v128.store(indices, f64x2.convert_low_i32x4_s(i32x4.shuffle(at, at, 2, 3, 0, 1)), 16);
  }
}

/**
 * The n interior outputs of one output row from column w0 on, four at a time (stride 1 or 2); returns how many
 * it wrote: all n when n ≥ 4 (a last group of fewer than four overlaps the one before and writes the same values
 * again), else none, for the scalar loop.
 */
function maxInterior32(xb: usize, w: i32, h0: i32, h1: i32, dh: i32, kw: i32, w0: i32, dw: i32, sw: i32, n: i32, out: usize, indices: usize): i32 {
  if (n < 4) return 0;
  let q = 0;
  while (true) {
    maxGroup32(xb, w, h0, h1, dh, kw, w0 + q * sw, dw, sw, out + (<usize>q << 2), indices == 0 ? 0 : indices + (<usize>q << 3));
    if (q == n - 4) break;
    q = min(q + 4, n - 4);
  }
  return n;
}

function maxForward<T>(g: usize, x: usize, out: usize, indices: usize, p0: i32, p1: i32): void {
  const h = geo(g, H), w = geo(g, W), oh = geo(g, OH), ow = geo(g, OW), kh = geo(g, KH), kw = geo(g, KW);
  const sh = geo(g, SH), sw = geo(g, SW), ph = geo(g, PH), pw = geo(g, PW), dh = geo(g, DH), dw = geo(g, DW);
  const hw = h * w;
  for (let p = p0; p < p1; p++) {
    const xb = x + ((<usize>p * hw) << alignof<T>());
    let o = <usize>p * oh * ow;
    for (let r = 0; r < oh; r++) {
      let h0 = r * sh - ph;
      const h1 = min(h0 + (kh - 1) * dh + 1, h);
      while (h0 < 0) h0 += dh;
      // Interior columns [qa, qb), whose windows lie inside the row: four outputs at a time in SIMD lanes.
      const last = w - 1 - (kw - 1) * dw + pw;
      const qa = min(ow, (pw + sw - 1) / sw);
      const qb = last < 0 ? qa : max(qa, min(ow, last / sw + 1));
      let q = 0;
      for (; q < ow; q++, o++) {
        if (q == qa && sizeof<T>() == 4 && (sw == 1 || sw == 2)) {
          const done = maxInterior32(xb, w, h0, h1, dh, kw, q * sw - pw, dw, sw, qb - qa, out + (o << 2), indices == 0 ? 0 : indices + (o << 3));
          q += done;
          o += done;
          if (q >= ow) break;
        }
        let w0 = q * sw - pw;
        const w1 = min(w0 + (kw - 1) * dw + 1, w);
        while (w0 < 0) w0 += dw;
        let at = h0 * w + w0;
        let best = <T>-Infinity;
        for (let ih = h0; ih < h1; ih += dh) {
          const row = ih * w;
          for (let iw = w0; iw < w1; iw += dw) {
            const v = load<T>(xb + ((<usize>(row + iw)) << alignof<T>()));
            const take = <i32>(v > best) | <i32>(v != v); // no branch: the comparisons are random in a network
            best = select<T>(v, best, take != 0);
            at = select<i32>(row + iw, at, take != 0);
          }
        }
        store<T>(out + (o << alignof<T>()), best);
        if (indices != 0) store<f64>(indices + (o << 3), <f64>at);
      }
    }
  }
}

/**
 * Max pooling's backward over planes [p0, p1): each plane of gx zeroed, then each output gradient added at the
 * position its index names, in output order, each add rounded to T (kernels/pool.ts maxPool2dBackward). Every
 * index is an integer in [0, hw): the host has checked them all first (maxPoolBadIndex).
 */
function maxBackward<T>(gy: usize, indices: usize, hw: i32, ohw: i32, gx: usize, p0: i32, p1: i32): void {
  memory.fill(gx + ((<usize>p0 * hw) << alignof<T>()), 0, (<usize>(p1 - p0) * hw) << alignof<T>());
  for (let p = p0; p < p1; p++) {
    const plane = gx + ((<usize>p * hw) << alignof<T>());
    const end = <usize>(p + 1) * ohw;
    for (let o = <usize>p * ohw; o < end; o++) {
      const at = plane + (<usize><i32>load<f64>(indices + (o << 3)) << alignof<T>());
      store<T>(at, load<T>(at) + load<T>(gy + (o << alignof<T>())));
    }
  }
}

export function maxPoolBackward32(gy: usize, indices: usize, hw: i32, ohw: i32, gx: usize, p0: i32, p1: i32): void {
  maxBackward<f32>(gy, indices, hw, ohw, gx, p0, p1);
}
export function maxPoolBackward64(gy: usize, indices: usize, hw: i32, ohw: i32, gx: usize, p0: i32, p1: i32): void {
  maxBackward<f64>(gy, indices, hw, ohw, gx, p0, p1);
}

/** The first of n indices that is not an integer position in [0, hw) (NaN included), or -1: two at a time. */
export function maxPoolBadIndex(indices: usize, n: i32, hw: i32): i32 {
  const top = f64x2.splat(<f64>hw);
  const zero = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const v = v128.load(indices + (<usize>i << 3));
    const good = v128.and(v128.and(f64x2.ge(v, zero), f64x2.lt(v, top)), f64x2.eq(f64x2.trunc(v), v));
    if (!i64x2.all_true(good)) break;
  }
  for (; i < n; i++) {
    const v = load<f64>(indices + (<usize>i << 3));
    if (!(v >= 0 && v < <f64>hw && Math.trunc(v) == v)) return i;
  }
  return -1;
}

export function maxPoolForward32(g: usize, x: usize, out: usize, indices: usize, p0: i32, p1: i32): void {
  maxForward<f32>(g, x, out, indices, p0, p1);
}
export function maxPoolForward64(g: usize, x: usize, out: usize, indices: usize, p0: i32, p1: i32): void {
  maxForward<f64>(g, x, out, indices, p0, p1);
}

/**
 * Average pooling over windows the host lays out (kernels/pool.ts avgWindows or adaptiveWindows): for output o,
 * rows [h0, h1) and columns [w0, w1) at bounds + 16·o (i32s) and its divisor at divisors + 8·o (f64). Planes
 * [p0, p1). Forward: each window's sum, row by row in double, over its divisor. Backward: the plane zeroed, then
 * each output gradient over its divisor added to its window's elements one output at a time, each add rounded to
 * T as the TypeScript loop's typed-array store rounds it.
 */
function averagePool<T>(backward: i32, src: usize, h: i32, w: i32, ohw: i32, bounds: usize, divisors: usize, dst: usize,
                        p0: i32, p1: i32): void {
  const hw = <usize>h * w;
  for (let p = p0; p < p1; p++) {
    const plane = (backward ? dst : src) + ((<usize>p * hw) << alignof<T>());
    if (backward) memory.fill(plane, 0, hw << alignof<T>());
    for (let o = 0; o < ohw; o++) {
      const b = bounds + (<usize>o << 4);
      const h0 = load<i32>(b), h1 = load<i32>(b, 4), w0 = load<i32>(b, 8), w1 = load<i32>(b, 12);
      const d = load<f64>(divisors + (<usize>o << 3));
      const at = <usize>p * ohw + o;
      if (backward) {
        const v = <f64>load<T>(src + (at << alignof<T>())) / d;
        for (let ih = h0; ih < h1; ih++) {
          const row = plane + ((<usize>ih * w) << alignof<T>());
          for (let iw = w0; iw < w1; iw++) {
            const q = row + (<usize>iw << alignof<T>());
            store<T>(q, <T>(<f64>load<T>(q) + v));
          }
        }
      } else {
        let s: f64 = 0;
        for (let ih = h0; ih < h1; ih++) {
          const row = plane + ((<usize>ih * w) << alignof<T>());
          for (let iw = w0; iw < w1; iw++) s += <f64>load<T>(row + (<usize>iw << alignof<T>()));
        }
        store<T>(dst + (at << alignof<T>()), <T>(s / d));
      }
    }
  }
}

export function averagePool32(backward: i32, src: usize, h: i32, w: i32, ohw: i32, bounds: usize, divisors: usize,
                              dst: usize, p0: i32, p1: i32): void {
  averagePool<f32>(backward, src, h, w, ohw, bounds, divisors, dst, p0, p1);
}
export function averagePool64(backward: i32, src: usize, h: i32, w: i32, ohw: i32, bounds: usize, divisors: usize,
                              dst: usize, p0: i32, p1: i32): void {
  averagePool<f64>(backward, src, h, w, ohw, bounds, divisors, dst, p0, p1);
}
