import { describe, expect, it } from 'vitest';
import { offsetByMetres } from '../../cloud/src/modules/waste-routing/geo.js';
import { checkPlan } from '../../cloud/src/modules/waste-routing/plan-check.js';
import {
  type FleetConfig,
  type PlanRequest,
  planRound,
  travelFor,
} from '../../cloud/src/modules/waste-routing/planner.js';
import { levelTrips, type TripBin } from '../../cloud/src/modules/waste-routing/selection.js';

const center = { lat: 31.23, lon: 121.47 };
const at = (east: number, north: number) => offsetByMetres(center, east, north);

const fleet: FleetConfig = {
  depot: at(-300, 0),
  dump: at(3000, 2000),
  vehicleIds: ['t1', 't2'],
  capacityLiters: 1000,
  shiftMinutes: 480,
  speedKmh: 20,
  detourFactor: 1.3,
  serviceMinutes: 2,
  dumpMinutes: 10,
};

const bin = (id: string, mandatory: boolean, volumeLiters: number, nextRoundPct: number): TripBin => ({
  binId: id,
  mandatory,
  volumeLiters,
  nextRoundPct,
});

describe('levelTrips (trip-count-first selection)', () => {
  it('mandatory litres fix the trips; the fullest-tomorrow bins fill the room, others are left', () => {
    const r = levelTrips(
      [
        bin('m1', true, 700, 120),
        bin('m2', true, 500, 110),
        bin('a', false, 300, 95),
        bin('b', false, 300, 70),
        bin('c', false, 400, 90),
        bin('d', false, 200, 60),
        { ...bin('low', false, 100, 99), keepLiters: 150 },
      ],
      { tripLiters: 1000, tripCostM: 8000, overOfferTrips: 0 },
    );
    // 1200 L mandatory in 1000 L trips: 2 trips, 800 L of room.
    expect(r.trips).toBe(2);
    // By next-round level: a (300), c (400) fit (700 L); b (300) no longer does, d (200) not
    // either (100 L left); 'low' holds less than its keepLiters.
    expect([...r.prizes.keys()].sort()).toEqual(['a', 'c']);
    // Prize: 0.8 x its share of a trip's haul.
    expect(r.prizes.get('a')).toBeCloseTo((0.8 * 8000 * 300) / 1000, 6);
  });

  it('offers no bin when nothing is mandatory (no round)', () => {
    const r = levelTrips([bin('a', false, 900, 99)], { tripLiters: 1000, tripCostM: 8000 });
    expect(r.trips).toBe(0);
    expect(r.prizes.size).toBe(0);
  });

  it('over-offer stays below one trip of prizes, so it cannot pay for an extra trip', () => {
    const bins = [
      bin('m', true, 1000, 100),
      ...Array.from({ length: 20 }, (_, i) => bin(`o${i}`, false, 50, 80)),
    ];
    const r = levelTrips(bins, { tripLiters: 1000, tripCostM: 8000 });
    const total = [...r.prizes.values()].reduce((a, b) => a + b, 0);
    expect(r.trips).toBe(1);
    expect(total).toBeLessThan(8000);
  });
});

describe('planner tripsFirst', () => {
  // Six mandatory bins of 150 L (900 L: one 1000 L trip) and twelve optional bins of 150 L that
  // the old prizes (5 km each) would all take, in extra trips to a dump 4.7 km away.
  function scene(): PlanRequest {
    const stops = Array.from({ length: 18 }, (_, i) => ({
      binId: `bin-${i}`,
      at: at((i % 6) * 80 - 200, Math.floor(i / 6) * 90 - 90),
      volumeLiters: 150,
      forecastPct: 60,
      nextRoundPct: 70 + i,
      ...(i % 3 === 0 ? {} : { prizeM: 5000 }),
    }));
    return { stops, fleet, startAt: Date.UTC(2025, 2, 3, 1, 30), maxIterations: 3000, seed: 3 };
  }
  const trips = (p: ReturnType<typeof planRound>) =>
    p.trucks.flatMap((t) => t.visits).filter((v) => v.kind === 'dump').length;

  it('collects every mandatory bin, keeps trips within capacity, and drives fewer trips than the prize policy', () => {
    const req = scene();
    const prize = planRound(req);
    const first = planRound({ ...req, tripsFirst: true });
    const chk = checkPlan(req, first, travelFor(req));
    expect(chk.errors).toEqual([]);
    const visited = new Set(first.trucks.flatMap((t) => t.visits).map((v) => v.binId));
    for (const s of req.stops) if (s.prizeM === undefined) expect(visited.has(s.binId)).toBe(true);
    for (const t of first.trucks)
      for (const v of t.visits) expect(v.loadLiters).toBeLessThanOrEqual(fleet.capacityLiters + 1e-6);
    expect(trips(prize)).toBe(3);
    expect(trips(first)).toBe(1);
    expect(first.distanceM).toBeLessThan(prize.distanceM);
    expect(first.skipped.length + visited.size - 1).toBe(req.stops.length);
  });

  it("tailLiters: optional bins after each trip's last bin, beyond the planned payload, marked optional", () => {
    const req = scene();
    const plain = planRound({ ...req, tripsFirst: true });
    const tailed = planRound({ ...req, tripsFirst: { tailLiters: 1300 } });
    const mandatory = new Set(req.stops.filter((s) => s.prizeM === undefined).map((s) => s.binId));
    // The same one trip, its solver part within the planned payload and then a tail of optional
    // bins (volume 150 L each) up to 1,300 L: two more bins than without tails.
    expect(trips(tailed)).toBe(trips(plain));
    const bins = tailed.trucks.flatMap((t) => t.visits).filter((v) => v.kind === 'bin');
    expect(bins.length).toBe(
      plain.trucks.flatMap((t) => t.visits).filter((v) => v.kind === 'bin').length + 2,
    );
    for (const v of bins) expect(v.optional === true).toBe(!mandatory.has(v.binId!));
    expect(Math.max(...bins.map((v) => v.loadLiters))).toBe(1200);
    // The tail is the trip's end: every bin past the planned payload is optional, and after them
    // comes the dump, so a crew that skips them for a full truck skips nothing mandatory.
    for (const t of tailed.trucks) {
      const over = t.visits.findIndex((v) => v.kind === 'bin' && v.loadLiters > fleet.capacityLiters);
      expect(over).toBeGreaterThan(0);
      const rest = t.visits.slice(over);
      expect(rest.filter((v) => v.kind === 'bin').every((v) => v.optional)).toBe(true);
      expect(rest.find((v) => v.kind !== 'bin')!.kind).toBe('dump');
    }
    // The independent check takes the tail (optional, within tailLiters) and nothing more.
    expect(checkPlan({ ...req, tripsFirst: { tailLiters: 1300 } }, tailed, travelFor(req)).errors).toEqual(
      [],
    );
    expect(checkPlan({ ...req, tripsFirst: true }, tailed, travelFor(req)).feasible).toBe(false);
    // Skipped lists only what no trip took.
    const visited = new Set(bins.map((v) => v.binId));
    expect(tailed.skipped.filter((id) => visited.has(id))).toEqual([]);
    expect(tailed.skipped.length + visited.size).toBe(req.stops.length);
  });

  it("tailLiters: a tail never takes a truck's day past its shift", () => {
    const req = scene();
    const bins = (p: ReturnType<typeof planRound>) =>
      p.trucks.flatMap((t) => t.visits).filter((v) => v.kind === 'bin').length;
    const plain = planRound({ ...req, tripsFirst: true });
    const long = planRound({ ...req, tripsFirst: { tailLiters: 1300 } });
    const [plainMin, longMin] = [plain, long].map((p) => Math.max(...p.trucks.map((t) => t.durationMin)));
    expect(bins(long)).toBe(bins(plain) + 2);
    // A shift that ends halfway through the two tail bins' minutes: the day stays within it, so
    // at most one tail bin is taken.
    const shiftMinutes = (plainMin! + longMin!) / 2;
    const shortReq: PlanRequest = {
      ...req,
      fleet: { ...req.fleet, shiftMinutes },
      tripsFirst: { tailLiters: 1300 },
    };
    const short = planRound(shortReq);
    expect(bins(short)).toBeLessThan(bins(long));
    for (const t of short.trucks) expect(t.durationMin).toBeLessThanOrEqual(shiftMinutes + 1e-6);
    expect(checkPlan(shortReq, short, travelFor(shortReq)).errors).toEqual([]);
  });

  it('is reproducible with an iteration budget (no wall-clock cut)', () => {
    const req = { ...scene(), tripsFirst: true };
    expect(planRound(req).distanceM).toBe(planRound(req).distanceM);
    expect(planRound(req).trucks.map((t) => t.visits.map((v) => v.binId))).toEqual(
      planRound(req).trucks.map((t) => t.visits.map((v) => v.binId)),
    );
  });
});
