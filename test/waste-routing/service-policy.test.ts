import { describe, expect, it } from 'vitest';
import { haversineM } from '../../cloud/src/modules/waste-routing/geo.js';
import type { WastePolicy } from '../../cloud/src/modules/waste-routing/round-stops.js';
import { DEFAULT_WASTE_CONFIG } from '../../cloud/src/modules/waste-routing/waste-routing.config.js';
import type { RoundView } from '../../cloud/src/modules/waste-routing/waste-routing.model.js';
import {
  BIN_LITRES,
  binStops,
  DUE_WARM_COLD,
  MILD_BINS,
  type SceneBin,
  SMALL_TRUCK_LITRES,
  SMALL_TRUCK_PLANNED_LITRES,
  smallTruckConfig,
  useWasteScene,
} from '../support/waste-scene.js';

/** The shared due/warm/cold bins, and mild ones: ~25 % at the round, ~50 % by tomorrow's. */
const BINS: SceneBin[] = [...DUE_WARM_COLD, ...MILD_BINS];

describe('waste routing service: selection policy (SQLite stores, manual clock)', () => {
  const scene = useWasteScene('waste-policy', BINS);

  const service = (policy: WastePolicy) => scene().service(smallTruckConfig({ policy }));

  const visited = (r: RoundView) => binStops(r).map((s) => scene().name.get(s.binId!)!);
  const trips = (r: RoundView) => r.trucks.flatMap((t) => t.stops).filter((s) => s.kind === 'dump').length;
  /** Litres collected, from the forecast level of each stop at its arrival. */
  const litres = (r: RoundView) =>
    binStops(r).reduce((sum, s) => sum + ((s.forecastPct ?? 0) / 100) * BIN_LITRES, 0);

  it('trips (the default) tops the due trip up with the bins fullest by tomorrow; prize leaves them', async () => {
    expect(DEFAULT_WASTE_CONFIG.policy).toBe('trips');
    const prize = await service('prize').plan();
    const first = await service('trips').plan();
    expect(first.date).toBe(prize.date);

    // Both collect every due bin (they would pass 100 % before tomorrow's round), and neither a bin
    // that holds next to nothing.
    for (const r of [prize, first]) {
      expect(visited(r)).toEqual(expect.arrayContaining(['due-1', 'due-2', 'due-3']));
      expect(visited(r)).not.toContain('cold-1');
      expect(new Set(visited(r)).size).toBe(visited(r).length);
    }
    // prize: the others are under the 50 % optional level at pickup, so the trip leaves half full.
    expect(visited(prize).sort()).toEqual(['due-1', 'due-2', 'due-3']);
    // trips: the same single trip, topped up with the bins that would force tomorrow's trip soonest
    // (warm before mild), to near the planned payload (95 % of the truck's).
    expect(trips(first)).toBe(1);
    expect(trips(first)).toBeLessThanOrEqual(trips(prize));
    expect(visited(first)).toEqual(expect.arrayContaining(['warm-1', 'warm-2', 'warm-3']));
    expect(litres(prize)).toBeLessThan(0.6 * SMALL_TRUCK_LITRES);
    expect(litres(first)).toBeGreaterThan(0.85 * SMALL_TRUCK_PLANNED_LITRES);
    expect(litres(first)).toBeLessThanOrEqual(SMALL_TRUCK_PLANNED_LITRES);
    // One trip either way: the top-ups cost only the short detours between the bins.
    expect(first.distanceM - prize.distanceM).toBeLessThan(1000);
  });

  it('a re-plan mid-round goes on from the last done stop and tops up the room the load leaves', async () => {
    const trips = service('trips');
    const before = await trips.round();
    const truck = before.trucks.find((t) => t.stops.some((s) => s.kind === 'bin'))!;
    const done = truck.stops.filter((s) => s.kind === 'bin').slice(0, 3);
    scene().h.clock.t = before.pickupAt + 20 * 60_000; // 09:50: three bins emptied, found as forecast
    for (const s of done) await trips.markDone(s.id, s.forecastPct!, 'crew-1');
    const onboard = done.reduce((sum, s) => sum + (s.forecastPct! / 100) * BIN_LITRES, 0);

    const after = await trips.plan();
    const t = after.trucks.find((x) => x.vehicleId === truck.vehicleId)!;
    const last = t.stops.filter((s) => s.status === 'done').at(-1)!;
    expect(last.id).toBe(done[2]!.id);
    const pending = t.stops.filter((s) => s.status === 'pending');
    // Its trip goes on with the due bins left and top-ups, in the room its load leaves (not a
    // fresh truck's), then optional tail bins up to tailLoadPct, then one unloading and home.
    const rest = pending.slice(
      0,
      pending.findIndex((s) => s.kind === 'dump'),
    );
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.every((s) => s.kind === 'bin')).toBe(true);
    const due = ['due-1', 'due-2', 'due-3'].filter(
      (d) => !done.some((s) => scene().name.get(s.binId!) === d),
    );
    expect(rest.map((s) => scene().name.get(s.binId!))).toEqual(expect.arrayContaining(due));
    let load = onboard;
    for (const s of rest) {
      load += ((s.forecastPct ?? 0) / 100) * BIN_LITRES;
      // Past the planned payload only optional stops, the crew's to leave when the truck is full.
      if (load > SMALL_TRUCK_PLANNED_LITRES + 1e-6) expect(s.optional).toBe(true);
    }
    expect(load).toBeLessThanOrEqual((SMALL_TRUCK_LITRES * DEFAULT_WASTE_CONFIG.tailLoadPct) / 100 + 1e-6);
    expect(load).toBeGreaterThan(0.8 * SMALL_TRUCK_PLANNED_LITRES);
    expect(pending.map((s) => s.kind).slice(rest.length)).toEqual(['dump', 'depot']);
    // From where it is: the first leg is timed from the last done bin.
    const cfg = DEFAULT_WASTE_CONFIG.fleet;
    const legMs =
      ((cfg.detourFactor *
        haversineM({ lat: last.lat!, lon: last.lon! }, { lat: rest[0]!.lat!, lon: rest[0]!.lon! })) /
        (cfg.speedKmh / 3.6)) *
      1000;
    expect(rest[0]!.expectedAt - scene().h.clock.now()).toBeCloseTo(legMs, -1);
  });

  it('plans a bin the road matrix lacks on straight-line distance, and says so with the fix', async () => {
    const plain = await service('trips').plan();
    expect(plain.warnings).toBeUndefined();
    const stops = binStops(plain);
    const late = stops.find((st) => scene().name.get(st.binId!) === 'due-3')!;
    const base = service('trips').config;
    const places = [
      { id: 'depot', at: base.depot! },
      { id: 'dump', at: base.dump! },
      ...stops
        .filter((st) => st !== late)
        .map((st) => ({ id: st.binId!, at: { lat: st.lat!, lon: st.lon! } })),
    ];
    const road = {
      ids: places.map((p) => p.id),
      distances: places.map((a) => places.map((b) => Math.round(1.3 * haversineM(a.at, b.at)))),
    };
    const withRoad = await scene()
      .service({ ...base, road })
      .plan();
    expect(visited(withRoad)).toContain('due-3');
    expect(withRoad.warnings).toHaveLength(1);
    expect(withRoad.warnings![0]).toContain(late.binId!);
    expect(withRoad.warnings![0]).toMatch(/add them to the roadMatrixFile/);
  });
});
