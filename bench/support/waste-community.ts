/**
 * The simulated bins of the waste evaluation: firmware-sim's BinModel (sites, catchments, container
 * sizes by CJJ 27-2012, weekday/holiday and hourly drop-off pattern, daily noise) driven by a ManualClock, plus what the evaluation observes of
 * them: hourly fill readings (the history the forecast learns from) and overflow events.
 */

import type { FillSample } from '../../cloud/src/modules/waste-routing/forecast.js';
import type { GeoPoint } from '../../cloud/src/modules/waste-routing/geo.js';
import { ManualClock } from '../../firmware-sim/src/clock.js';
import { BinModel } from '../../firmware-sim/src/model/bin.js';
import { hashSeed, Rng } from '../../firmware-sim/src/model/random.js';

const HOUR = 3_600_000;
const TICK = 15 * 60_000;
/** A bin at or above this is overflowing (the model caps its level at 100 %). */
export const FULL_PCT = 99.9;

export class SimBin {
  readonly history: FillSample[] = [];
  overflowEvents = 0;
  /** Minutes spent full (how long residents found the bin overflowing). */
  fullMinutes = 0;
  collections = 0;
  /** Level found at each collection (how full the trucks found the bin). */
  readonly foundPct: number[] = [];
  private cursor: number;
  private full = false;

  constructor(
    readonly id: string,
    readonly at: GeoPoint,
    readonly model: BinModel,
    private readonly clock: ManualClock,
    start: number,
  ) {
    this.cursor = start;
  }

  /** Moves this bin to time t, sampling every 15 min (overflow) and recording hourly readings. */
  advance(t: number): number {
    while (this.cursor + TICK <= t) {
      this.cursor += TICK;
      this.clock.set(this.cursor);
      const f = this.model.fillAt(this.clock.now());
      if (f >= FULL_PCT) {
        if (!this.full) this.overflowEvents++;
        this.full = true;
        this.fullMinutes += TICK / 60_000;
      }
      if (this.cursor % HOUR === 0) this.history.push({ ts: this.cursor, fillPct: Math.round(f * 10) / 10 });
    }
    this.clock.set(t);
    return this.model.fillAt(t);
  }

  /** A truck empties the bin at time t; returns the level it found. */
  collect(t: number): number {
    const f = this.advance(t);
    this.model.empty(t);
    this.full = false;
    this.collections++;
    this.foundPct.push(f);
    return f;
  }
}

export interface CommunityGeo {
  center: GeoPoint;
  depot: GeoPoint;
  dump: GeoPoint;
}

/** Offsets a point by metres east and north (fine at community scale). */
export function offset(p: GeoPoint, eastM: number, northM: number): GeoPoint {
  const mPerDegLat = 111_320;
  return {
    lat: p.lat + northM / mPerDegLat,
    lon: p.lon + eastM / (mPerDegLat * Math.cos((p.lat * Math.PI) / 180)),
  };
}

/**
 * `count` bins scattered over a `widthM` x `heightM` compound (seeded), each with its own
 * BinModel (no own collection round: only the trucks empty them) and its own ManualClock.
 */
export function makeBins(
  seed: number,
  count: number,
  geo: CommunityGeo,
  widthM: number,
  heightM: number,
  start: number,
  provisioning: 'average' | 'peak' = 'average',
): SimBin[] {
  const rng = new Rng(hashSeed(seed, 'bin-positions'));
  return Array.from({ length: count }, (_, i) => {
    const id = `bin-${String(i + 1).padStart(2, '0')}`;
    const at = offset(
      geo.center,
      rng.uniform(-widthM / 2, widthM / 2),
      rng.uniform(-heightM / 2, heightM / 2),
    );
    return new SimBin(
      id,
      at,
      new BinModel(seed, id, undefined, id, provisioning),
      new ManualClock(start),
      start,
    );
  });
}
