/**
 * The managers' day figures of waste pickup: per day, km and hours (as planned), bins collected
 * and skipped (by reason), overflow events from the fill readings, and the km saved against the
 * fixed daily round planned with the day's round.
 */
import type { TimeseriesStore } from '../../ports/timeseries-store.js';
import { localInstant } from './local-time.js';
import { type DayStats, SKIP_REASONS, type SkipReason } from './waste-routing.model.js';
import type { WasteRoutingRepository } from './waste-routing.repository.js';
import type { BinDirectory } from './waste-routing.service.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A bin at or above this fill is full: an overflow when it gets there. */
const FULL_PCT = 99.5;

export class WasteDayStats {
  constructor(
    private readonly repo: WasteRoutingRepository,
    private readonly bins: BinDirectory,
    private readonly timeseries: TimeseriesStore,
    private readonly utcOffsetHours: number,
  ) {}

  async between(fromDate: string, toDate: string): Promise<DayStats[]> {
    const rounds = await this.repo.roundsBetween(fromDate, toDate);
    const devices = (await this.bins.listBins()).filter((b) => b.deviceId !== null).map((b) => b.deviceId!);
    const out: DayStats[] = [];
    for (const r of rounds) {
      const stops = await this.repo.stops(r.id);
      const km = stops.reduce((s, x) => s + x.leg_m, 0) / 1000;
      const ends = new Map<string, number>();
      for (const s of stops) ends.set(s.vehicle_id, Math.max(ends.get(s.vehicle_id) ?? 0, s.expected_at));
      const hours = [...ends.values()].reduce((s, e) => s + (e - r.pickup_at) / HOUR, 0);
      const dayStart = localInstant(r.date, '00:00', this.utcOffsetHours);
      out.push({
        date: r.date,
        km,
        hours,
        binsCollected: stops.filter((s) => s.kind === 'bin' && s.status === 'done').length,
        binsSkipped: stops.filter((s) => s.kind === 'bin' && s.status === 'skipped').length,
        skippedByReason: Object.fromEntries(
          SKIP_REASONS.map((reason) => [reason, stops.filter((s) => s.skip_reason === reason).length]),
        ) as Record<SkipReason, number>,
        overflowEvents: await this.overflows(devices, dayStart, dayStart + DAY),
        baselineKm: r.baseline_m / 1000,
        kmSaved: r.baseline_m / 1000 - km,
      });
    }
    return out;
  }

  /** Times a bin became full (hourly maximum crossing the full mark) within [from, to). */
  private async overflows(devices: string[], from: number, to: number): Promise<number> {
    let events = 0;
    for (const device of devices) {
      const hours = await this.timeseries.aggregate({
        device,
        field: 'fill_pct',
        fn: 'max',
        window: '1h',
        from: from - HOUR,
        to,
        utcOffsetHours: this.utcOffsetHours,
      });
      let wasFull = false;
      for (const h of hours) {
        const full = h.value >= FULL_PCT;
        if (full && !wasFull && h.start >= from) events++;
        wasFull = full;
      }
    }
    return events;
  }
}
