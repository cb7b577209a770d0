import { describe, expect, it } from 'vitest';
import {
  KEEP_ROOM_MARGIN,
  mandatoryLitersAhead,
  optionalStopFits,
} from '../../cloud/src/modules/waste-routing/truck-room.js';
import type { RoundView } from '../../cloud/src/modules/waste-routing/waste-routing.model.js';
import {
  BIN_LITRES,
  binStops,
  DUE_WARM_COLD,
  HOUR,
  MILD_BINS,
  type SceneBin,
  SMALL_TRUCK_LITRES,
  SMALL_TRUCK_PLANNED_LITRES,
  smallTruckConfig,
  useWasteScene,
} from '../support/waste-scene.js';

/**
 * The shared due/warm/cold bins, and mild ones (~25 % at the round, ~50 % by tomorrow's): more
 * top-ups than the planned trip holds, some on the way to the station (north-east).
 */
const BINS: SceneBin[] = [
  ...DUE_WARM_COLD,
  ...MILD_BINS,
  ['mild-4', 1.6, 360, 180],
  ['mild-5', 1.6, 360, 270],
];

describe('waste routing service: optional stops and truck_full (SQLite stores, manual clock)', () => {
  const scene = useWasteScene('waste-truck-full', BINS);

  const service = (tailLoadPct: number) => scene().service(smallTruckConfig({ tailLoadPct }));

  const named = (r: RoundView, name: string) => binStops(r).find((s) => scene().name.get(s.binId!) === name);
  const litres = (stops: RoundView['trucks'][number]['stops']) =>
    stops.reduce((sum, s) => sum + ((s.forecastPct ?? 0) / 100) * BIN_LITRES, 0);

  it('says which stops are optional; with tails, the trip goes on past the planned payload with optional bins only', async () => {
    const plain = await service(0).plan();
    // Due bins are mandatory, the warm top-ups optional (the crew may leave them).
    for (const d of ['due-1', 'due-2', 'due-3']) expect(named(plain, d)).toMatchObject({ optional: false });
    for (const w of ['warm-1', 'warm-2', 'warm-3']) expect(named(plain, w)).toMatchObject({ optional: true });
    expect(litres(binStops(plain))).toBeLessThanOrEqual(SMALL_TRUCK_PLANNED_LITRES);

    const tailed = await service(130).plan();
    const trips = (r: RoundView) => r.trucks.flatMap((t) => t.stops).filter((s) => s.kind === 'dump').length;
    expect(trips(tailed)).toBe(trips(plain));
    const stops = tailed.trucks.flatMap((t) => t.stops);
    const firstDump = stops.findIndex((s) => s.kind === 'dump');
    const trip = stops.slice(0, firstDump).filter((s) => s.kind === 'bin');
    // More than the planned payload is offered, within the tail's 130 %, and what lies beyond the
    // planned payload is optional only.
    expect(litres(trip)).toBeGreaterThan(SMALL_TRUCK_PLANNED_LITRES);
    expect(litres(trip)).toBeLessThanOrEqual(1.3 * SMALL_TRUCK_LITRES);
    let load = 0;
    for (const s of trip) {
      load += ((s.forecastPct ?? 0) / 100) * BIN_LITRES;
      if (load > SMALL_TRUCK_PLANNED_LITRES) expect(s.optional).toBe(true);
    }
    expect(binStops(tailed).filter((s) => !s.optional).length).toBe(3);
  });

  it('lets the crew skip an optional stop for truck_full, refuses it for a mandatory one, and watches the bin left', async () => {
    const svc = service(130);
    const round = await svc.round();
    scene().h.clock.t = round.pickupAt + 30 * 60_000;
    const due = binStops(round).find((s) => !s.optional)!;
    const tail = binStops(round).findLast((s) => s.optional)!;

    await expect(svc.markSkipped(due.id, 'truck_full', 'crew-1')).rejects.toMatchObject({
      statusCode: 409,
      code: 'mandatory_stop_truck_full',
    });
    expect(named(await svc.round(), scene().name.get(due.binId!)!)).toMatchObject({ status: 'pending' });
    await svc.markSkipped(tail.id, 'truck_full', 'crew-1');
    const after = await svc.round();
    expect(binStops(after).find((s) => s.id === tail.id)).toMatchObject({
      status: 'skipped',
      skipReason: 'truck_full',
      optional: true,
    });

    // Left for a full truck, the bin is still to be emptied: a re-plan may offer it again (a bin
    // skipped as blocked is not), kept report and all.
    scene().h.clock.t = round.pickupAt + HOUR;
    const replanned = await svc.plan();
    const rows = binStops(replanned).filter((s) => s.binId === tail.binId);
    expect(rows.find((s) => s.id === tail.id)).toMatchObject({ status: 'skipped', skipReason: 'truck_full' });
    expect(rows.filter((s) => s.status === 'pending').length).toBeLessThanOrEqual(1);
  });

  it('gives each bin stop its planned litres, from which the crew keeps room for the mandatory stops ahead', async () => {
    const round = await service(130).plan();
    for (const t of round.trucks) {
      for (const s of t.stops) {
        if (s.kind !== 'bin') {
          expect(s.plannedLiters).toBeNull();
          continue;
        }
        // The forecast at the planned arrival: at least the forecast at the round's start.
        expect(s.plannedLiters).toBeGreaterThanOrEqual(((s.forecastPct ?? 0) / 100) * BIN_LITRES - 1);
        expect(s.plannedLiters).toBeLessThanOrEqual(BIN_LITRES);
      }
      // Each trip's mandatory litres fit the planned payload; the room ahead counts only them.
      const ahead = mandatoryLitersAhead(t.stops);
      t.stops.forEach((s, i) => {
        const rest = t.stops.slice(i + 1);
        const end = rest.findIndex((x) => x.kind !== 'bin');
        const trip = end < 0 ? rest : rest.slice(0, end);
        const want = trip.filter((x) => !x.optional).reduce((a, x) => a + (x.plannedLiters ?? 0), 0);
        expect(ahead[i]).toBeCloseTo(want, 6);
        if (s.kind === 'dump') expect(ahead[i]).toBe(0);
        if (i === 0 || t.stops[i - 1]!.kind === 'dump')
          expect(ahead[i]! + (s.optional ? 0 : s.plannedLiters!)).toBeLessThanOrEqual(
            SMALL_TRUCK_PLANNED_LITRES + 1,
          );
      });
    }
  });
});

describe('truck room: the crew rule at an optional stop', () => {
  const route = [
    { kind: 'bin' as const, optional: true, plannedLiters: 300 },
    { kind: 'bin' as const, optional: false, plannedLiters: 400 },
    { kind: 'bin' as const, optional: true, plannedLiters: 200 },
    { kind: 'bin' as const, optional: false, plannedLiters: 250 },
    { kind: 'dump' as const, plannedLiters: null },
    { kind: 'bin' as const, optional: true, plannedLiters: 500 },
    { kind: 'bin' as const, optional: false, plannedLiters: 600 },
    { kind: 'dump' as const, plannedLiters: null },
    { kind: 'depot' as const, plannedLiters: null },
  ];

  it('keeps room for the mandatory stops after each stop, up to the next dump visit', () => {
    expect(mandatoryLitersAhead(route)).toEqual([650, 250, 250, 0, 600, 600, 0, 0, 0]);
  });

  it('skips an optional stop that would use up their room, even when the truck could take it', () => {
    // 1000 L payload, 200 L on board: a 300 L bin fits the truck but leaves 500 L for 650 L ahead.
    expect(optionalStopFits(200, 300, 650, 1000)).toBe(false);
    expect(optionalStopFits(0, 300, 650, 1000)).toBe(true);
    // Nothing mandatory ahead: only the payload counts.
    expect(optionalStopFits(700, 300, 0, 1000)).toBe(true);
    expect(optionalStopFits(701, 300, 0, 1000)).toBe(false);
  });

  it('keeps KEEP_ROOM_MARGIN on top of the planned litres ahead, for the forecast error', () => {
    expect(KEEP_ROOM_MARGIN).toBeGreaterThan(0);
    // 300 L + 680 L ahead fits 1000 L on the forecast, not with its margin.
    expect(optionalStopFits(0, 300, 680, 1000, 0)).toBe(true);
    expect(optionalStopFits(0, 300, 680, 1000)).toBe(false);
    // The room left for them, 700 L, holds planned litres up to 700 / (1 + margin).
    expect(optionalStopFits(0, 300, 700 / (1 + KEEP_ROOM_MARGIN) + 1, 1000)).toBe(false);
    expect(optionalStopFits(0, 300, 700 / (1 + KEEP_ROOM_MARGIN) - 1, 1000)).toBe(true);
  });
});
