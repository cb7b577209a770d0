/**
 * Distances between pickup points: great-circle (haversine) from coordinates by default, or an
 * imported road matrix (e.g. an OSRM `table` answer). Pure: the caller fetches any matrix.
 */

export interface GeoPoint {
  lat: number;
  lon: number;
}

const EARTH_RADIUS_M = 6_371_008.8;

export function haversineM(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A point `eastM` metres east and `northM` metres north of `p` (flat-earth: fine at community scale). */
export function offsetByMetres(p: GeoPoint, eastM: number, northM: number): GeoPoint {
  const mPerDegLat = 111_320;
  return {
    lat: p.lat + northM / mPerDegLat,
    lon: p.lon + eastM / (mPerDegLat * Math.cos((p.lat * Math.PI) / 180)),
  };
}

/** A road distance/time matrix keyed by location id (depot, dump, bin ids). */
export interface RoadMatrix {
  ids: readonly string[];
  /** Metres, row = from, column = to. */
  distances: readonly (readonly number[])[];
  /** Seconds; when absent, times come from the distance and the vehicle speed. */
  durations?: readonly (readonly number[])[];
}

interface OsrmTable {
  code?: string;
  distances?: (number | null)[][];
  durations?: (number | null)[][];
}

/**
 * Reads an OSRM `table` answer (`/table/v1/driving/...?annotations=distance,duration`) whose
 * sources and destinations are `ids` in order. A null entry (no route) is refused rather than
 * guessed: a bin the road network cannot reach needs fixing in the data, not a straight line.
 */
export function parseOsrmTable(json: unknown, ids: readonly string[]): RoadMatrix {
  const t = json as OsrmTable;
  if (t.code !== undefined && t.code !== 'Ok') throw new Error(`OSRM table: code ${t.code}`);
  if (!t.distances) throw new Error('OSRM table: no distances (request annotations=distance,duration)');
  const square = (m: (number | null)[][], what: string): number[][] => {
    if (m.length !== ids.length)
      throw new Error(`OSRM table: ${what} has ${m.length} rows, expected ${ids.length}`);
    return m.map((row, i) => {
      if (row.length !== ids.length)
        throw new Error(`OSRM table: ${what} row ${i} has ${row.length} entries`);
      return row.map((v, j) => {
        if (v === null || !Number.isFinite(v)) throw new Error(`OSRM table: no route ${ids[i]} -> ${ids[j]}`);
        return v;
      });
    });
  };
  return {
    ids,
    distances: square(t.distances, 'distances'),
    ...(t.durations ? { durations: square(t.durations, 'durations') } : {}),
  };
}

export interface TravelOptions {
  /** Road distance per straight-line distance when no matrix is given (typical urban 1.2-1.4). */
  detourFactor: number;
  speedKmh: number;
}

/** Distance (m) and time (s) matrices over `points`, row-major, asymmetric when the roads are. */
export interface Travel {
  size: number;
  dist: Float64Array;
  time: Float64Array;
}

export function buildTravel(
  points: readonly { id: string; at: GeoPoint }[],
  opts: TravelOptions,
  road?: RoadMatrix,
): Travel {
  const n = points.length;
  const dist = new Float64Array(n * n);
  const time = new Float64Array(n * n);
  const mps = (opts.speedKmh * 1000) / 3600;
  const index = road ? new Map(road.ids.map((id, i) => [id, i])) : undefined;
  // A location the road matrix lacks (a bin registered after the table was made) is reached on
  // straight-line distance x detour, so the round is still planned; offRoadMatrix tells which.
  const rows = points.map((p) => index?.get(p.id) ?? -1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const onRoad = road && rows[i]! >= 0 && rows[j]! >= 0;
      const d = onRoad
        ? road.distances[rows[i]!]![rows[j]!]!
        : opts.detourFactor * haversineM(points[i]!.at, points[j]!.at);
      dist[i * n + j] = d;
      time[i * n + j] = onRoad && road.durations ? road.durations[rows[i]!]![rows[j]!]! : d / mps;
    }
  }
  return { size: n, dist, time };
}

/** The ids of `points` a road matrix has no row for (none without a matrix). */
export function offRoadMatrix(points: readonly { id: string }[], road?: RoadMatrix): string[] {
  if (!road) return [];
  const known = new Set(road.ids);
  return [...new Set(points.map((p) => p.id).filter((id) => !known.has(id)))];
}
