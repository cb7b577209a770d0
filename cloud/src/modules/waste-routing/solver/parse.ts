/**
 * CVRPLIB / TSPLIB text parsers. Pure: they take file text and return data, so the solver module
 * needs no file-system access and the benchmark (or an upload endpoint) does the reading.
 *
 * Supported: TYPE CVRP, EDGE_WEIGHT_TYPE EUC_2D (rounded, the CVRPLIB convention) or
 * EXACT_2D (unrounded), NODE_COORD_SECTION, DEMAND_SECTION, DEPOT_SECTION with a single depot.
 */
import { type CvrpInstance, createInstance, euc2dMatrix, type Fleet } from './instance.js';

export interface ParsedVrp {
  name: string;
  dimension: number;
  capacity: number;
  /** x,y pairs in file order. */
  coords: Float64Array;
  /** Demands in file order. */
  demands: Float64Array;
  /** 0-based index of the depot in file order. */
  depot: number;
  edgeWeightType: string;
  /** Vehicle count from the `-kN` name suffix, if any. */
  k?: number;
}

export function parseVrp(text: string): ParsedVrp {
  const header = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  let dimension = 0;
  let coords: Float64Array | undefined;
  let demands: Float64Array | undefined;
  let depot = 0;
  let i = 0;
  const sectionRows = (fn: (tokens: string[]) => void): void => {
    // Consume lines until the next keyword line (starts with a letter) or EOF.
    while (i < lines.length) {
      const t = lines[i]!.trim();
      if (t === '') {
        i++;
        continue;
      }
      if (/^[A-Za-z]/.test(t)) return;
      fn(t.split(/\s+/));
      i++;
    }
  };
  while (i < lines.length) {
    const line = lines[i]!.trim();
    i++;
    if (line === '' || line === 'EOF') continue;
    const sec = line.split(/\s+/)[0]!;
    if (sec === 'NODE_COORD_SECTION') {
      const c = new Float64Array(2 * dimension);
      sectionRows((t) => {
        const id = Number(t[0]) - 1;
        c[2 * id] = Number(t[1]);
        c[2 * id + 1] = Number(t[2]);
      });
      coords = c;
    } else if (sec === 'DEMAND_SECTION') {
      const d = new Float64Array(dimension);
      sectionRows((t) => {
        d[Number(t[0]) - 1] = Number(t[1]);
      });
      demands = d;
    } else if (sec === 'DEPOT_SECTION') {
      const ids: number[] = [];
      sectionRows((t) => {
        for (const tok of t) if (Number(tok) > 0) ids.push(Number(tok) - 1);
      });
      if (ids.length !== 1) throw new Error(`expected exactly one depot, got ${ids.length}`);
      depot = ids[0]!;
    } else {
      const m = /^([A-Z_]+)\s*:\s*(.*)$/.exec(line);
      if (m) {
        header.set(m[1]!, m[2]!.trim().replace(/^"|"$/g, ''));
        if (m[1] === 'DIMENSION') dimension = Number(m[2]);
      }
    }
  }
  const name = header.get('NAME') ?? 'unnamed';
  const capacity = Number(header.get('CAPACITY'));
  const edgeWeightType = header.get('EDGE_WEIGHT_TYPE') ?? '';
  if (!(dimension > 1)) throw new Error('missing or invalid DIMENSION');
  if (!(capacity > 0)) throw new Error('missing or invalid CAPACITY');
  if (edgeWeightType !== 'EUC_2D' && edgeWeightType !== 'EXACT_2D') {
    throw new Error(`unsupported EDGE_WEIGHT_TYPE ${edgeWeightType}`);
  }
  if (!coords) throw new Error('missing NODE_COORD_SECTION');
  if (!demands) throw new Error('missing DEMAND_SECTION');
  const km = /-k(\d+)$/.exec(name);
  return {
    name,
    dimension,
    capacity,
    coords,
    demands,
    depot,
    edgeWeightType,
    ...(km ? { k: Number(km[1]) } : {}),
  };
}

/**
 * Builds the solver instance with the depot moved to index 0. Customers keep their CVRPLIB
 * numbering (file node i+1 is customer i when the depot is file node 1, the usual case), which
 * is also the numbering of .sol files.
 */
export function vrpToInstance(p: ParsedVrp, fleet: Fleet = { kind: 'unlimited' }): CvrpInstance {
  const order: number[] = [p.depot];
  for (let i = 0; i < p.dimension; i++) if (i !== p.depot) order.push(i);
  const coords = new Float64Array(2 * p.dimension);
  const demand = new Float64Array(p.dimension);
  order.forEach((src, dst) => {
    coords[2 * dst] = p.coords[2 * src]!;
    coords[2 * dst + 1] = p.coords[2 * src + 1]!;
    demand[dst] = p.demands[src]!;
  });
  return createInstance({
    name: p.name,
    distance: euc2dMatrix(coords, p.edgeWeightType === 'EUC_2D'),
    demand,
    capacity: p.capacity,
    fleet,
    coords,
  });
}

/** Convenience: the benchmark convention, exactly k routes when the name has -kN ... unless told. */
export function parseVrpInstance(text: string, fleetRule: 'exact-k' | 'unlimited'): CvrpInstance {
  const p = parseVrp(text);
  if (fleetRule === 'exact-k') {
    if (p.k === undefined) throw new Error(`${p.name}: no -kN in the name, cannot use exact-k`);
    return vrpToInstance(p, { kind: 'exact', count: p.k });
  }
  return vrpToInstance(p, { kind: 'unlimited' });
}

export interface ParsedSolution {
  routes: number[][];
  cost?: number;
}

/** Parses a CVRPLIB .sol file: `Route #i: c1 c2 ...` lines and a `Cost X` line. */
export function parseSol(text: string): ParsedSolution {
  const routes: number[][] = [];
  let cost: number | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const rm = /^Route\s*#\d+\s*:\s*(.*)$/i.exec(line);
    if (rm) {
      const body = rm[1]!.trim();
      routes.push(body === '' ? [] : body.split(/\s+/).map(Number));
      continue;
    }
    const cm = /^Cost\s+([-+0-9.eE]+)/i.exec(line);
    if (cm) cost = Number(cm[1]);
  }
  return cost === undefined ? { routes } : { routes, cost };
}

/** Formats routes as a CVRPLIB .sol text. */
export function formatSol(routes: readonly (readonly number[])[], cost: number): string {
  const lines = routes.filter((r) => r.length > 0).map((r, i) => `Route #${i + 1}: ${r.join(' ')}`);
  lines.push(`Cost ${cost}`);
  return `${lines.join('\n')}\n`;
}
