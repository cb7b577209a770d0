/** A truck's route as GeoJSON (RFC 7946: [lon, lat]) for maps and navigation apps (pure). */
import type { GeoPoint } from './geo.js';
import type { TruckRouteView } from './waste-routing.model.js';

export interface GeoJsonFeatureCollection {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    geometry: { type: 'LineString'; coordinates: number[][] } | { type: 'Point'; coordinates: number[] };
    properties: Record<string, string | number | boolean | null>;
  }>;
}

export function routeToGeoJson(
  truck: TruckRouteView,
  places: { depot: GeoPoint; dump: GeoPoint },
): GeoJsonFeatureCollection {
  const where = (s: TruckRouteView['stops'][number]): GeoPoint =>
    s.kind === 'bin' && s.lat !== null && s.lon !== null
      ? { lat: s.lat, lon: s.lon }
      : s.kind === 'dump'
        ? places.dump
        : places.depot;
  const xy = (p: GeoPoint) => [p.lon, p.lat];
  const line = [xy(places.depot), ...truck.stops.map((s) => xy(where(s)))];
  return {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: line },
        properties: { vehicleId: truck.vehicleId, distanceM: Math.round(truck.distanceM) },
      },
      ...truck.stops.map((s) => ({
        type: 'Feature' as const,
        geometry: { type: 'Point' as const, coordinates: xy(where(s)) },
        properties: {
          seq: s.seq,
          kind: s.kind,
          binId: s.binId,
          address: s.address,
          pointId: s.pointId,
          expectedAt: new Date(s.expectedAt).toISOString(),
          forecastPct: s.forecastPct,
          // A navigation app can show which stops the crew may leave when the truck is full.
          optional: s.optional,
          plannedLiters: s.plannedLiters,
          status: s.status,
        },
      })),
    ],
  };
}
