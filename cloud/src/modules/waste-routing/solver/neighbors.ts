/**
 * Precomputed proximity data. String removal needs, for a seed customer, the other customers by
 * increasing distance; the granular local search needs each customer's few nearest ones
 * (Toth & Vigo's granular neighbourhoods: good moves almost always connect close customers).
 */
import type { CvrpInstance } from './instance.js';

export interface Neighbors {
  /** For customer c: customers sorted by distance, row c*width .. (c+1)*width-1 (row 0 unused). */
  readonly adj: Int32Array;
  readonly width: number;
}

/** Builds the `width` nearest customers of every customer (itself excluded). */
export function nearestCustomers(inst: CvrpInstance, width: number): Neighbors {
  const n = inst.n;
  const N = n + 1;
  const w = Math.max(1, Math.min(width, n - 1));
  const adj = new Int32Array(N * w);
  const idx = new Int32Array(n);
  const key = new Float64Array(N);
  for (let c = 1; c <= n; c++) {
    let m = 0;
    for (let j = 1; j <= n; j++) {
      if (j === c) continue;
      idx[m++] = j;
      // Symmetrised so that an asymmetric matrix still gives a sensible "closeness".
      key[j] = inst.dist[c * N + j]! + inst.dist[j * N + c]!;
    }
    const sorted = Array.from(idx.subarray(0, m)).sort((a, b) => key[a]! - key[b]! || a - b);
    for (let i = 0; i < w && i < sorted.length; i++) adj[c * w + i] = sorted[i]!;
  }
  return { adj, width: n === 1 ? 0 : w };
}
