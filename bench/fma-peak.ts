/**
 * The machine's float32 FMA peak, measured: a tiny C loop of independent vector FMA chains (AVX-512 where the CPU
 * has it, else AVX2), compiled with `cc -O3` into a temporary folder and run on 1..N threads. W1's GFLOP/s are
 * reported against it. Returns a note instead when there is no compiler or the CPU has neither instruction set.
 *
 *   npx tsx bench/fma-peak.ts [threads=1,2]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export interface FmaPeak {
  /** 'avx512' or 'avx2'. */
  isa: string;
  /** How it was built, e.g. `cc -O3 -mavx512f -mfma`. */
  build: string;
  /** Measured float32 GFLOP/s (2 flops per FMA lane) by thread count. */
  gflops: Record<number, number>;
}

const SOURCE = String.raw`
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef __AVX512F__
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define STORE _mm512_storeu_ps
#else
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
#define STORE _mm256_storeu_ps
#endif
/* 12 independent chains cover an FMA latency of 4 cycles on 2 (or 3) ports and fit AVX2's 16 registers. */
#define CHAINS 12

static long iterations;
static float sink[64];

static void *work(void *arg) {
  float seed = (float)(size_t)arg * 1e-3f;
  vec a = SET1(0.999f), b = SET1(1e-3f);
  vec c0 = SET1(seed + 0.0f), c1 = SET1(seed + 0.1f), c2 = SET1(seed + 0.2f), c3 = SET1(seed + 0.3f);
  vec c4 = SET1(seed + 0.4f), c5 = SET1(seed + 0.5f), c6 = SET1(seed + 0.6f), c7 = SET1(seed + 0.7f);
  vec c8 = SET1(seed + 0.8f), c9 = SET1(seed + 0.9f), c10 = SET1(seed + 1.0f), c11 = SET1(seed + 1.1f);
  for (long i = 0; i < iterations; i++) {
    c0 = FMA(c0, a, b); c1 = FMA(c1, a, b); c2 = FMA(c2, a, b); c3 = FMA(c3, a, b);
    c4 = FMA(c4, a, b); c5 = FMA(c5, a, b); c6 = FMA(c6, a, b); c7 = FMA(c7, a, b);
    c8 = FMA(c8, a, b); c9 = FMA(c9, a, b); c10 = FMA(c10, a, b); c11 = FMA(c11, a, b);
  }
  vec s = ADD(ADD(ADD(c0, c1), ADD(c2, c3)), ADD(ADD(c4, c5), ADD(c6, c7)));
  s = ADD(s, ADD(ADD(c8, c9), ADD(c10, c11)));
  float out[LANES];
  STORE(out, s);
  sink[(size_t)arg % 64] += out[0];
  return NULL;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* One round on n threads: GFLOP/s over the wall time of all of them. */
static double round_gflops(int n) {
  pthread_t th[256];
  double t0 = now();
  for (int i = 0; i < n; i++) pthread_create(&th[i], NULL, work, (void *)(size_t)(i + 1));
  for (int i = 0; i < n; i++) pthread_join(th[i], NULL);
  double dt = now() - t0;
  return (double)n * iterations * CHAINS * LANES * 2 / dt / 1e9;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  if (threads < 1 || threads > 256) threads = 1;
  /* Size a round to about 50 ms on one thread, then keep the best of 15 (other load only lowers a round). */
  iterations = 1 << 16;
  for (;;) {
    double t0 = now();
    work((void *)0);
    if (now() - t0 > 0.05 || iterations > (1L << 34)) break;
    iterations *= 2;
  }
  double best = 0;
  for (int r = 0; r < 15; r++) {
    double g = round_gflops(threads);
    if (g > best) best = g;
  }
  printf("%.3f %g\n", best, sink[0] * 0);
  return 0;
}
`;

function cpuFlags(): Set<string> | null {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('flags'));
    return line === undefined ? null : new Set(line.split(':')[1].trim().split(/\s+/));
  } catch {
    return null;
  }
}

/** Builds and runs the FMA loop for each thread count; a note (string) when it cannot. */
export function measureFmaPeak(threadCounts: readonly number[]): FmaPeak | string {
  const cc = process.env.CC ?? 'cc';
  if (spawnSync(cc, ['--version'], { encoding: 'utf8' }).status !== 0)
    return `no C compiler (${cc}): FMA peak not measured`;
  const flags = cpuFlags();
  // Without /proc/cpuinfo (not Linux), try AVX-512 and fall back to AVX2 when the binary dies.
  const candidates: { isa: string; cflags: string[] }[] = [];
  if (flags === null || flags.has('avx512f')) candidates.push({ isa: 'avx512', cflags: ['-mavx512f', '-mfma'] });
  if (flags === null || (flags.has('avx2') && flags.has('fma')))
    candidates.push({ isa: 'avx2', cflags: ['-mavx2', '-mfma'] });
  if (candidates.length === 0) return 'the CPU has neither AVX-512 nor AVX2 with FMA: FMA peak not measured';
  const dir = mkdtempSync(join(tmpdir(), 'kindling-fma-'));
  const notes: string[] = [];
  try {
    const src = join(dir, 'fma.c');
    writeFileSync(src, SOURCE);
    for (const { isa, cflags } of candidates) {
      const exe = join(dir, `fma-${isa}`);
      const args = ['-O3', ...cflags, '-pthread', src, '-o', exe];
      const built = spawnSync(cc, args, { encoding: 'utf8' });
      if (built.status !== 0 || !existsSync(exe)) {
        notes.push(`${isa} build failed: ${built.stderr.trim().split('\n')[0] ?? ''}`);
        continue;
      }
      const gflops: Record<number, number> = {};
      let ok = true;
      for (const n of threadCounts) {
        const run = spawnSync(exe, [String(n)], { encoding: 'utf8', timeout: 60_000 });
        const value = Number.parseFloat(run.stdout);
        if (run.status !== 0 || !Number.isFinite(value)) {
          ok = false;
          notes.push(`${isa} run failed (${run.signal ?? `exit ${String(run.status)}`})`);
          break;
        }
        gflops[n] = value;
      }
      if (ok) return { isa, build: `${cc} ${['-O3', ...cflags].join(' ')}`, gflops };
    }
    return `FMA peak not measured: ${notes.join('; ')}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run as a script of its own (not when bundled into another benchmark, whose import.meta.url it then shares).
if (process.argv[1] !== undefined && basename(process.argv[1]).startsWith('fma-peak.')) {
  const counts = (process.argv[2] ?? '1,2').split(',').map(Number);
  const peak = measureFmaPeak(counts);
  if (typeof peak === 'string') console.log(peak);
  else
    for (const n of counts)
      console.log(
        `${peak.isa} (${peak.build}), ${n} thread${n === 1 ? '' : 's'}: ${peak.gflops[n].toFixed(1)} GFLOP/s`,
      );
}
