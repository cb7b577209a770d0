import { describe, expect, it } from 'vitest';
import { haversineM, offsetByMetres, parseOsrmTable } from '../../cloud/src/modules/waste-routing/geo.js';
import { checkPlan } from '../../cloud/src/modules/waste-routing/plan-check.js';
import {
  type FleetConfig,
  locationsOffRoadMatrix,
  type PlanRequest,
  planRound,
  travelFor,
} from '../../cloud/src/modules/waste-routing/planner.js';

const center = { lat: 31.23, lon: 121.47 };
const at = (east: number, north: number) => offsetByMetres(center, east, north);

const fleet: FleetConfig = {
  depot: at(-300, 0),
  dump: at(1500, 800),
  vehicleIds: ['t1', 't2', 't3'],
  capacityLiters: 1000,
  shiftMinutes: 240,
  speedKmh: 20,
  detourFactor: 1.3,
  serviceMinutes: 2,
  dumpMinutes: 10,
};

function request(count: number, extra: Partial<PlanRequest> = {}): PlanRequest {
  let s = 12345;
  const rnd = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const stops = Array.from({ length: count }, (_, i) => ({
    binId: `bin-${i + 1}`,
    at: at(rnd() * 600 - 300, rnd() * 400 - 200),
    volumeLiters: 100 + 140 * rnd(),
    forecastPct: 50,
    ...(i % 4 === 3 ? { prizeM: 40 } : {}),
  }));
  return { stops, fleet, startAt: Date.UTC(2025, 2, 3, 1, 30), maxIterations: 4000, seed: 5, ...extra };
}

describe('round planner (multi-trip, prize-collecting)', () => {
  it('plans a feasible day: mandatory bins once, trips within capacity, dump before the depot, within shifts', () => {
    const req = request(30);
    const plan = planRound(req);
    const chk = checkPlan(req, plan, travelFor(req));
    expect(chk.errors).toEqual([]);
    expect(chk.distanceM).toBeCloseTo(plan.distanceM, 3);
    // 30 bins of ~170 L in 1000 L trips: several dump trips.
    const dumps = plan.trucks.flatMap((t) => t.visits).filter((v) => v.kind === 'dump').length;
    expect(dumps).toBeGreaterThanOrEqual(4);
    // Arrival times increase along each truck.
    for (const t of plan.trucks) {
      const times = t.visits.map((v) => v.arrivalAt);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
  });

  it('with volumeAt, fills each trip by the litres the bins hold when the truck gets there', () => {
    // Bins filling 60 L an hour (a busy morning): the day's later trips find them fuller.
    const base = request(30);
    const grow = (s: PlanRequest['stops'][number]) => (t: number) =>
      Math.min(240, s.volumeLiters + (60 * (t - base.startAt)) / 3_600_000);
    const atArrival = (req: PlanRequest) => {
      const byId = new Map(base.stops.map((s) => [s.binId, grow(s)]));
      return planRound(req).trucks.flatMap((t) => {
        const loads: number[] = [];
        let load = 0;
        for (const v of t.visits) {
          if (v.kind === 'bin') load += byId.get(v.binId!)!(v.arrivalAt);
          else if (load > 0) {
            loads.push(load);
            load = 0;
          }
        }
        return loads;
      });
    };
    const blind = atArrival(base);
    const aware = atArrival({ ...base, stops: base.stops.map((s) => ({ ...s, volumeAt: grow(s) })) });
    // Planned on the litres at the round's start, some trip finds more than the truck takes.
    expect(Math.max(...blind)).toBeGreaterThan(1.2 * fleet.capacityLiters);
    // Planned on the litres at arrival: every trip fits (a little slack: the second plan's
    // arrivals are not exactly the first's).
    expect(Math.max(...aware)).toBeLessThan(1.05 * fleet.capacityLiters);
  });

  it('checkPlan catches a missing mandatory bin, an overloaded trip and a blown shift', () => {
    const req = request(12);
    const plan = planRound(req);
    const travel = travelFor(req);
    const mandatory = req.stops.find((s) => s.prizeM === undefined)!.binId;
    const dropped = {
      ...plan,
      trucks: plan.trucks.map((t) => ({ ...t, visits: t.visits.filter((v) => v.binId !== mandatory) })),
    };
    expect(checkPlan(req, dropped, travel).errors).toContain(`mandatory bin ${mandatory} not visited`);
    const noDumps = {
      ...plan,
      trucks: plan.trucks.map((t) => ({ ...t, visits: t.visits.filter((v) => v.kind !== 'dump') })),
    };
    expect(checkPlan(req, noDumps, travel).errors.some((e) => e.includes('over capacity'))).toBe(true);
    expect(
      checkPlan({ ...req, fleet: { ...fleet, shiftMinutes: 10 } }, plan, travel).errors.some((e) =>
        e.includes('shift'),
      ),
    ).toBe(true);
  });

  it('uses a second truck only when one shift cannot hold the work', () => {
    const one = planRound(request(10, { fleet: { ...fleet, shiftMinutes: 600 } }));
    expect(one.trucks).toHaveLength(1);
    const req = request(40, { fleet: { ...fleet, shiftMinutes: 120 } });
    const many = planRound(req);
    expect(many.trucks.length).toBeGreaterThan(1);
    expect(checkPlan(req, many, travelFor(req)).errors).toEqual([]);
  });

  it('drives an imported road matrix (OSRM table) instead of haversine', () => {
    const ids = ['dump', 'a', 'b', 'depot'];
    // A one-way street: a -> b is 100 m, b -> a 900 m.
    const table = {
      code: 'Ok',
      distances: [
        [0, 500, 500, 800],
        [500, 0, 100, 400],
        [500, 900, 0, 400],
        [800, 400, 400, 0],
      ],
      durations: [
        [0, 60, 60, 90],
        [60, 0, 12, 50],
        [60, 100, 0, 50],
        [90, 50, 50, 0],
      ],
    };
    const road = parseOsrmTable(table, ids);
    const req: PlanRequest = {
      stops: [
        { binId: 'a', at: at(0, 0), volumeLiters: 100, forecastPct: 90 },
        { binId: 'b', at: at(50, 0), volumeLiters: 100, forecastPct: 90 },
      ],
      fleet,
      road,
      startAt: 0,
      maxIterations: 500,
    };
    const plan = planRound(req);
    // depot -> a -> b -> dump -> depot = 400 + 100 + 500 + 800, never the 900 m way round.
    expect(plan.distanceM).toBe(1800);
    expect(plan.trucks[0]!.visits.map((v) => v.binId ?? v.kind)).toEqual(['a', 'b', 'dump', 'depot']);
    expect(() =>
      parseOsrmTable({ ...table, distances: [[0, null, 1, 1], ...table.distances.slice(1)] }, ids),
    ).toThrow(/no route/);
    expect(locationsOffRoadMatrix(req)).toEqual([]);

    // A bin registered after the table was made: planned on straight-line x detour, not refused.
    const late = { binId: 'c', at: at(0, 200), volumeLiters: 100, forecastPct: 90 };
    const withLate: PlanRequest = { ...req, stops: [...req.stops, late] };
    expect(locationsOffRoadMatrix(withLate)).toEqual(['c']);
    const tr = travelFor(withLate);
    const n = tr.size; // dump 0, a 1, b 2, c 3, depot 4
    expect(tr.dist[1 * n + 2]).toBe(100); // a -> b still from the table
    expect(tr.dist[1 * n + 3]).toBeCloseTo(fleet.detourFactor * haversineM(at(0, 0), at(0, 200)), 6);
    const planned = planRound(withLate);
    expect(
      planned.trucks
        .flatMap((t) => t.visits.map((v) => v.binId))
        .filter(Boolean)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
  });

  describe('a re-plan with trucks already out', () => {
    // t1 is out at a bin 250 m east of the compound's centre (the depot is 300 m west).
    const out = { vehicleId: 't1', at: at(250, 0), locationId: 'done-bin', loadLiters: 0 };
    const legSeconds = (req: PlanRequest, from: number, to: number) => {
      const tr = travelFor(req);
      return tr.time[from * tr.size + to]!;
    };

    it('drives the rest of a truck out from where it is, not from the depot', () => {
      const req = request(8, { trucksOut: [out] });
      const plan = planRound(req);
      expect(checkPlan(req, plan, travelFor(req)).errors).toEqual([]);
      const t1 = plan.trucks.find((t) => t.vehicleId === 't1')!;
      const first = t1.visits[0]!;
      const node = req.stops.findIndex((s) => s.binId === first.binId) + 1;
      // Start node n + 2 + 0: the truck's position; its first leg is timed from there.
      expect(first.arrivalAt - req.startAt).toBeCloseTo(1000 * legSeconds(req, 8 + 2, node), -1);
      expect(first.arrivalAt - req.startAt).not.toBeCloseTo(1000 * legSeconds(req, 8 + 1, node), -1);
      // Trucks out are used first; the others still leave from the depot.
      expect(plan.trucks[0]!.vehicleId).toBe('t1');
    });

    it('a loaded truck out finishes its trip with bins that fit beside its load, then unloads', () => {
      const req = request(8, { trucksOut: [{ ...out, loadLiters: 600 }] });
      const plan = planRound(req);
      expect(checkPlan(req, plan, travelFor(req)).errors).toEqual([]);
      const t1 = plan.trucks.find((t) => t.vehicleId === 't1')!;
      const firstTrip = t1.visits.slice(
        0,
        t1.visits.findIndex((v) => v.kind === 'dump'),
      );
      expect(firstTrip.length).toBeGreaterThan(0);
      expect(firstTrip[0]!.loadLiters).toBeGreaterThan(600);
      expect(firstTrip.at(-1)!.loadLiters).toBeLessThanOrEqual(fleet.capacityLiters + 1e-6);
      // Trips first: with no due bin left, the room of the trip under way is still topped up.
      const optional = request(8, {
        trucksOut: [{ ...out, loadLiters: 600 }],
        tripsFirst: true,
      });
      const topUps = { ...optional, stops: optional.stops.map((s) => ({ ...s, prizeM: 1 })) };
      const topped = planRound(topUps);
      expect(checkPlan(topUps, topped, travelFor(topUps)).errors).toEqual([]);
      const visits = topped.trucks.flatMap((t) => t.visits);
      expect(visits.filter((v) => v.kind === 'dump')).toHaveLength(1);
      const last = visits.filter((v) => v.kind === 'bin').at(-1)!;
      expect(last.loadLiters).toBeGreaterThan(0.8 * fleet.capacityLiters);
      // With optional tails, the trip under way takes them too, counting the load on board.
      const tailLiters = 1.3 * fleet.capacityLiters;
      const tailReq = { ...topUps, tripsFirst: { tailLiters } };
      const tailed = planRound(tailReq);
      expect(checkPlan(tailReq, tailed, travelFor(tailReq)).errors).toEqual([]);
      const t1Trip = tailed.trucks.find((t) => t.vehicleId === 't1')!.visits;
      const underWay = t1Trip.slice(
        0,
        t1Trip.findIndex((v) => v.kind === 'dump'),
      );
      expect(underWay[0]!.loadLiters).toBeGreaterThan(600);
      expect(underWay.at(-1)!.loadLiters).toBeGreaterThan(fleet.capacityLiters);
      expect(underWay.at(-1)!.loadLiters).toBeLessThanOrEqual(tailLiters + 1e-6);
    });

    it('a truck out with a full load unloads first; with nothing left it unloads and goes home', () => {
      const full = { ...out, loadLiters: 950 };
      const req = request(8, { trucksOut: [full] });
      const plan = planRound(req);
      expect(checkPlan(req, plan, travelFor(req)).errors).toEqual([]);
      const t1 = plan.trucks.find((t) => t.vehicleId === 't1')!;
      expect(t1.visits[0]!.kind).toBe('dump');
      // Nothing to collect: position -> dump -> depot.
      const home = { ...req, stops: [] };
      const idle = planRound(home);
      expect(idle.trucks.map((t) => [t.vehicleId, t.visits.map((v) => v.kind)])).toEqual([
        ['t1', ['dump', 'depot']],
      ]);
      expect(idle.distanceM).toBeCloseTo(
        travelFor(home).dist[2 * travelFor(home).size]! + travelFor(home).dist[1]!,
        6,
      );
      // checkPlan holds a truck out to its load: dropping its first unloading overfills it.
      const noUnload = {
        ...plan,
        trucks: plan.trucks.map((t) => (t.vehicleId === 't1' ? { ...t, visits: t.visits.slice(1) } : t)),
      };
      expect(checkPlan(req, noUnload, travelFor(req)).errors.some((e) => e.includes('over capacity'))).toBe(
        true,
      );
    });
  });
});
