// The Generator as a stream of words: seeding as PyTorch seeds, states saved and restored exactly (a pending
// Box–Muller value included), the default generator behind manualSeed, and seedrandom's xor4096 word for word.
import { describe, expect, it } from 'vitest';
import xor4096 from 'seedrandom/lib/xor4096.js';
import { RuntimeError } from '../src/errors.js';
import {
  DEFAULT_RNG_SEED,
  Generator,
  defaultGenerator,
  getRngState,
  initialSeed,
  manualSeed,
  seed,
  setRngState,
} from '../src/random.js';
import { fillBernoulli, fillNormal, fillRandint, fillUniform, randpermArray } from '../src/sampling.js';
import { seeded } from './helpers/random-samples.js';

describe('Generator seeding and state', () => {
  it('starts from PyTorch default seed', () => {
    const gen = new Generator();
    expect(gen.initialSeed()).toBe(67280421310721);
    expect(DEFAULT_RNG_SEED).toBe(67280421310721);
    const a = Array.from({ length: 8 }, () => gen.nextDouble());
    const b = seeded(67280421310721);
    expect(Array.from({ length: 8 }, () => b.nextDouble())).toEqual(a);
  });

  it('gives identical streams for the same seed and different ones for different seeds', () => {
    const fill = (s: number | bigint): Float64Array => {
      const out = new Float64Array(1000);
      fillUniform(out, 0, 1, seeded(s));
      return out;
    };
    expect(fill(42)).toEqual(fill(42));
    expect(fill(42)).not.toEqual(fill(43));
    expect(fill(0)).not.toEqual(fill(1));
    expect(fill(42n)).toEqual(fill(42));
    // Seeds differing only above 2^32 or 2^53 still give different streams.
    expect(fill(2n ** 40n)).not.toEqual(fill(2n ** 40n + 2n ** 33n));
    expect(fill(2n ** 63n)).not.toEqual(fill(2n ** 63n + 1n));
  });

  it('makes every kernel reproducible', () => {
    const run = (s: number): number[][] => {
      const gen = seeded(s);
      const u32 = new Float32Array(50);
      const u64 = new Float64Array(50);
      const normal = new Float64Array(51);
      const ints = new Int32Array(50);
      const bits = new Uint8Array(50);
      fillUniform(u32, -1, 1, gen);
      fillUniform(u64, -1, 1, gen);
      fillNormal(normal, 0, 1, gen);
      fillRandint(ints, 0, 1000, gen);
      fillBernoulli(bits, 0.5, gen);
      const perm = randpermArray(50, gen);
      return [u32, u64, normal, ints, bits, perm].map((xs) => Array.from(xs));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('wraps negative seeds to uint64 and rejects seeds outside int64/uint64', () => {
    const a = seeded(-1);
    const b = seeded(2n ** 64n - 1n);
    expect(a.nextDouble()).toBe(b.nextDouble());
    expect(a.initialSeed()).toBe(Number(2n ** 64n - 1n));
    expect(() => seeded(2n ** 64n)).toThrow(RuntimeError);
    expect(() => seeded(2n ** 64n)).toThrow('Overflow when unpacking long');
    expect(() => seeded(-(2n ** 63n) - 1n)).toThrow('Overflow when unpacking long');
    expect(() => seeded(1.5)).toThrow(TypeError);
    expect(() => seeded(Number.NaN)).toThrow(TypeError);
  });

  it('reports the initial seed and reseeds non-deterministically with seed()', () => {
    const gen = seeded(123);
    expect(gen.initialSeed()).toBe(123);
    gen.nextDouble();
    expect(gen.initialSeed()).toBe(123);
    const s = gen.seed();
    expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
    expect(gen.initialSeed()).toBe(s);
    const first = gen.nextDouble();
    expect(seeded(s).nextDouble()).toBe(first);
    const seeds = new Set(Array.from({ length: 5 }, () => gen.seed()));
    expect(seeds.size).toBe(5);
  });

  it('resumes exactly from a saved state', () => {
    const gen = seeded(2024);
    for (let k = 0; k < 1000; k++) gen.nextUint32(); // wrap the 128-word buffer several times
    const state = gen.getState();
    const expected = [gen.nextDouble(), gen.nextFloat32(), gen.nextNormal(), gen.nextNormal(), gen.nextInt(0, 10)];
    gen.nextDouble();
    gen.setState(state);
    expect([gen.nextDouble(), gen.nextFloat32(), gen.nextNormal(), gen.nextNormal(), gen.nextInt(0, 10)]).toEqual(
      expected,
    );
    // Another generator picks up the same stream and the seed it came from.
    const other = new Generator().setState(state);
    expect(other.initialSeed()).toBe(2024);
    expect(other.nextDouble()).toBe(expected[0]);
  });

  it('includes a pending cached normal in the state', () => {
    const gen = seeded(5);
    const first = gen.nextNormal(); // draws a pair; the second value is now cached
    const state = gen.getState();
    const second = gen.nextNormal();
    const third = gen.nextNormal();
    expect(second).not.toBe(first);
    const restored = new Generator().setState(state);
    expect(restored.nextNormal()).toBe(second);
    expect(restored.nextNormal()).toBe(third);
    // A state taken with the cache pending must not leak that value into a state taken without it.
    const fresh = seeded(5);
    fresh.nextNormal();
    fresh.nextNormal();
    expect(fresh.getState()).not.toEqual(state);
  });

  it('clears the cached normal when reseeded', () => {
    const a = seeded(9);
    a.nextNormal();
    a.manualSeed(9);
    const b = seeded(9);
    expect(a.nextNormal()).toBe(b.nextNormal());
    expect(a.nextNormal()).toBe(b.nextNormal());
  });

  it('returns states that are snapshots, and rejects malformed ones', () => {
    const gen = seeded(1);
    const state = gen.getState();
    const copy = state.slice();
    state.fill(0); // mutating a returned state does not touch the generator
    expect(gen.nextDouble()).toBe(seeded(1).nextDouble());
    const restored = seeded(2).setState(copy);
    copy.fill(0); // nor does mutating a state after it was set
    expect(restored.nextDouble()).toBe(seeded(1).nextDouble());
    const good = seeded(1).getState();

    expect(() => gen.setState(new Uint8Array(10))).toThrow(
      `Expected a generator state of size ${good.length} but found the input RNG state size to be 10`,
    );
    expect(() => gen.setState(new Uint8Array(good.length))).toThrow(RuntimeError);
    const badIndex = good.slice();
    badIndex[16] = 200;
    expect(() => gen.setState(badIndex)).toThrow('Invalid generator state');
  });
});

describe('default generator', () => {
  it('is seeded by manualSeed, which returns it', () => {
    const g = manualSeed(31337);
    expect(g).toBe(defaultGenerator);
    expect(initialSeed()).toBe(31337);
    const a = new Float64Array(100);
    fillUniform(a, 0, 1);
    manualSeed(31337);
    const b = new Float64Array(100);
    fillUniform(b, 0, 1);
    expect(b).toEqual(a);
    const c = new Float64Array(100);
    fillUniform(c, 0, 1, seeded(31337));
    expect(c).toEqual(a);
  });

  it('truncates fractional seeds like torch.manual_seed', () => {
    manualSeed(10.9);
    expect(initialSeed()).toBe(10);
  });

  it('saves and restores through getRngState / setRngState', () => {
    manualSeed(77);
    defaultGenerator.nextNormal();
    const state = getRngState();
    const a = new Float32Array(64);
    fillNormal(a, 0, 1);
    setRngState(state);
    const b = new Float32Array(64);
    fillNormal(b, 0, 1);
    expect(b).toEqual(a);
  });

  it('reseeds with seed()', () => {
    const s = seed();
    expect(initialSeed()).toBe(s);
  });
});

describe('the bit stream', () => {
  it("is seedrandom's xor4096 for the seed's decimal string, word for word, across a state round trip", () => {
    for (const seed of [0, 12345, DEFAULT_RNG_SEED, 2n ** 64n - 1n]) {
      const words = xor4096(String(seed), {});
      const g = seeded(seed);
      const want = Array.from({ length: 3000 }, () => words.int32() >>> 0);
      const got = Array.from({ length: 1000 }, () => g.nextUint32());
      const resumed = new Generator().setState(g.getState());
      got.push(...Array.from({ length: 2000 }, () => resumed.nextUint32()));
      expect(got).toEqual(want);
    }
  });

  it("bernoulli_ past the kernel backend's threshold draws the Generator's next words, in order", () => {
    const g = seeded(99);
    const twin = seeded(99);
    const out = new Float32Array(5000);
    fillBernoulli(out, 0.3, g);
    for (let k = 0; k < out.length; k++) expect(out[k]).toBe(twin.nextUint32() < 0.3 * 2 ** 32 ? 1 : 0);
    expect(g.nextUint32()).toBe(twin.nextUint32());
  });
});
