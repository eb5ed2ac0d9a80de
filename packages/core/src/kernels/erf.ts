/** The error function and its complement in double precision, for the elementwise kernels (erf, gelu) and the ops. */

/** erf to double precision (W. J. Cody's rational approximations, as used by C libraries). */
export function erfScalar(x: number): number {
  if (x !== x) return x;
  if (!Number.isFinite(x)) return x > 0 ? 1 : -1;
  const ax = Math.abs(x);
  if (ax < 0.5) {
    const t = x * x;
    const p =
      (((0.185777706184603152673 * t + 3.161123743870565596947) * t + 113.8641541510501556495) * t +
        377.4852376853020208137) *
        t +
      3209.377589138469472562;
    const q =
      (((t + 23.60129095234412093499) * t + 244.0246379344441733056) * t + 1282.616526077372275645) * t +
      2844.236833439170622273;
    return (x * p) / q;
  }
  return x < 0 ? -1 + erfcPositive(ax) : 1 - erfcPositive(ax);
}

/** erfc(x) = 1 - erf(x) to double precision, without the cancellation of 1 - erf(x) where erf(x) is near 1. */
export function erfcScalar(x: number): number {
  if (x !== x) return x;
  if (x === Infinity) return 0;
  if (x === -Infinity) return 2;
  if (Math.abs(x) < 0.5) return 1 - erfScalar(x);
  return x > 0 ? erfcPositive(x) : 2 - erfcPositive(-x);
}

function erfcPositive(x: number): number {
  let r: number;
  if (x < 4) {
    const p = [
      5.64188496988670089e-1, 8.88314979438837594, 6.61191906371416295e1, 2.98635138197400131e2, 8.8195222124176909e2,
      1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3, 2.15311535474403846e-8,
    ];
    const q = [
      1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2, 1.62138957456669019e3, 3.29079923573345963e3,
      4.36261909014324716e3, 3.43936767414372164e3, 1.23033935480374942e3,
    ];
    let num = p[8] * x;
    let den = x;
    for (let i = 0; i < 7; i++) {
      num = (num + p[i]) * x;
      den = (den + q[i]) * x;
    }
    r = (num + p[7]) / (den + q[7]);
  } else {
    const p = [
      3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
      6.58749161529837803e-4, 1.63153871373020978e-2,
    ];
    const q = [
      2.56852019228982242, 1.87295284992346725, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3,
    ];
    const z = 1 / (x * x);
    let num = p[5] * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + p[i]) * z;
      den = (den + q[i]) * z;
    }
    r = (z * (num + p[4])) / (den + q[4]);
    r = (1 / Math.sqrt(Math.PI) - r) / x;
  }
  const xs = Math.trunc(x * 16) / 16;
  const del = (x - xs) * (x + xs);
  return Math.exp(-xs * xs) * Math.exp(-del) * r;
}
