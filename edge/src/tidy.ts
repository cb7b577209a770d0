/**
 * `Number.parseFloat(x.toPrecision(12))` — the codec's rounding away of binary noise (12.5 * 0.1
 * giving 1.2500000000000002) — without its string round trip, which cost more than the rest of a
 * reading's decoding. Exactly the same result for every input (test/edge/tidy.test.ts checks it
 * against the string version): the digits are found by scaling by an exact power of ten, and the
 * rare case where that scaling could round the other way than the decimal conversion (a 13th
 * digit within 1e-3 of a half) takes the string path.
 */
const POW10: number[] = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact up to 1e22

export function tidy12(x: number): number {
  if (!Number.isFinite(x)) return x;
  const ax = Math.abs(x);
  // Integers of up to 12 digits come back unchanged (but -0 as 0, as from the string).
  if (ax < 1e12 && Number.isInteger(x)) return x === 0 ? 0 : x;
  if (ax >= 1e-10 && ax < 1e12) {
    // 12 significant digits: m = round(|x| * 10^p) with 1e11 <= m < 1e12.
    const p = 11 - Math.floor(Math.log10(ax));
    if (p >= 0 && p <= 22) {
      const y = ax * POW10[p]!; // one rounding: off by at most ~1.2e-4 from the exact product
      const m = Math.round(y);
      const frac = y - Math.floor(y);
      if (m >= 1e11 && m < 1e12 && Math.abs(frac - 0.5) > 1e-3) {
        // m and 10^p are exact, so the division is the correctly rounded decimal, as parseFloat gives.
        const r = m / POW10[p]!;
        return x < 0 ? -r : r;
      }
    }
  }
  return Number.parseFloat(x.toPrecision(12));
}
