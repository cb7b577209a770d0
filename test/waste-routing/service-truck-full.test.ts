import { describe, expect, it } from 'vitest';
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
});
