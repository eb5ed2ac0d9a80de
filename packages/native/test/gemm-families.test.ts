// The GEMM kernel families this CPU does not pick by itself, each run in a child process that picks it
// (KINDLING_GEMM_ISA; the family is picked once, at load): a few shapes across its tiles and skinny paths against a
// float64 reference, and the same bits for 1 and 2 threads.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { describeAddon } from './built-addon.js';
import { SUITE, addonPath, native } from './gemm-cases.js';

describeAddon(native, SUITE, (addon) => {
  const FAMILIES = ['avx512', 'avx2', 'portable'];
  const lesser = native ? FAMILIES.slice(FAMILIES.indexOf(addon.isa()) + 1) : [];
  it.each(lesser)('runs the %s kernel family correctly when it is the one chosen', (family) => {
    const script = `
      const a = require(${JSON.stringify(addonPath)});
      if (a.isa() !== ${JSON.stringify(family)}) throw new Error('picked ' + a.isa());
      let s = 1;
      const r = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
      const shapes = [[0,0,37,45,300],[1,1,45,37,33],[0,1,1,70,90],[1,0,70,1,90],[0,0,3,50,7],[1,0,6,33,5],
                      [0,1,4,70,40],[0,0,70,4,40],[1,1,17,19,513],[0,0,200,130,90]];
      for (const T of [Float32Array, Float64Array]) for (const [tA, tB, M, N, K] of shapes) {
        const A = new T(M * K).map(r), B = new T(K * N).map(r), C0 = new T(M * N).map(r);
        const out = [1, 2].map((t) => { a.setNumThreads(t); const C = C0.slice();
          a.gemm(!!tA, !!tB, M, N, K, 2, A, 0, tA ? M : K, B, 0, tB ? K : N, -0.5, C, 0, N); return C; });
        for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
          let sum = 0, mag = 0;
          for (let p = 0; p < K; p++) { const x = tA ? A[p * M + i] : A[i * K + p], y = tB ? B[j * K + p] : B[p * N + j]; sum += x * y; mag += Math.abs(x * y); }
          const want = 2 * sum - 0.5 * C0[i * N + j], tol = 2 * (K + 2) * (T === Float32Array ? 2 ** -24 : 2 ** -53) * (2 * mag + 1);
          if (!(Math.abs(out[0][i * N + j] - want) <= tol)) throw new Error([T.name, tA, tB, M, N, K, i, j, out[0][i * N + j], want].join(' '));
          if (!Object.is(out[0][i * N + j], out[1][i * N + j])) throw new Error('threads differ ' + [T.name, tA, tB, M, N, K].join(' '));
        }
      }
      console.log('ok');`;
    const child = spawnSync(process.execPath, ['-e', script], {
      env: { ...process.env, KINDLING_GEMM_ISA: family },
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('ok');
  });
});
