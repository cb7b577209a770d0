/**
 * The simulated bins of the waste evaluation: firmware-sim's BinModel (sites, catchments, container
 * sizes by CJJ 27-2012, weekday/holiday and hourly drop-off pattern, daily noise) driven by a ManualClock, plus what the evaluation observes of
 * them: hourly fill readings (the history the forecast learns from) and overflow events.
 */

import type { FillSample } from '../../cloud/src/modules/waste-routing/forecast.js';
import { type GeoPoint, offsetByMetres } from '../../cloud/src/modules/waste-routing/geo.js';
import { ManualClock } from '../../firmware-sim/src/clock.js';
import { BinModel, type BinSite, type PointSpec } from '../../firmware-sim/src/model/bin.js';
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
    const at = offsetByMetres(
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

/** A community laid out as compounds and collection points (see makeCommunity). */
export interface CommunityLayout {
  households: number;
  compounds: { id: string; households: number; center: GeoPoint }[];
  points: { id: string; site: BinSite; households: number; containers: number; at: GeoPoint }[];
  bins: SimBin[];
}

/**
 * A street office's community (社区): `households` households in compounds (小区) of 300-600
 * households each, laid on a grid over `sideM` x `sideM` around geo.center. ASSUMPTIONS, from the
 * usual size of an urban 社区 (~1,000-3,000 households over ~0.5-2 km²) and of a 小区 (a few
 * hundred households on ~200-300 m a side). Each compound has collection points of 150-400
 * households (the 定时定点 points of Shanghai's 2019 regulation, which replaced most building-door
 * bins) and one entrance point (240 L bins for passers-by); the community has one wet market
 * (660 L). Each point gets the container count of CJJ 27-2012 appendix A for its catchment
 * (firmware-sim BinModel), and every one of those containers is simulated, co-located at the point.
 */
export function makeCommunity(
  seed: number,
  households: number,
  geo: CommunityGeo,
  sideM: number,
  start: number,
  provisioning: 'average' | 'peak',
): CommunityLayout {
  const rng = new Rng(hashSeed(seed, 'community-layout'));
  const sizes: number[] = [];
  for (let left = households; left > 0; ) {
    const n = left < 750 ? left : rng.int(300, 600);
    sizes.push(n);
    left -= n;
  }
  const cols = Math.ceil(Math.sqrt(sizes.length));
  const rows = Math.ceil(sizes.length / cols);
  const cellW = sideM / cols;
  const cellH = sideM / rows;
  const compounds = sizes.map((n, i) => {
    const cx = -sideM / 2 + cellW * ((i % cols) + 0.5);
    const cy = -sideM / 2 + cellH * (Math.floor(i / cols) + 0.5);
    return {
      id: `c${i + 1}`,
      households: n,
      center: offsetByMetres(geo.center, cx, cy),
      cw: cellW,
      ch: cellH,
    };
  });
  const points: CommunityLayout['points'] = [];
  const bins: SimBin[] = [];
  const addPoint = (id: string, spec: PointSpec, at: GeoPoint) => {
    const probe = new BinModel(seed, `${id}-1`, undefined, id, provisioning, spec);
    points.push({
      id,
      site: probe.site,
      households: probe.catchmentHouseholds,
      containers: probe.containersAtPoint,
      at,
    });
    for (let k = 1; k <= probe.containersAtPoint; k++) {
      const binId = `${id}-${k}`;
      const model = k === 1 ? probe : new BinModel(seed, binId, undefined, id, provisioning, spec);
      bins.push(new SimBin(binId, at, model, new ManualClock(start), start));
    }
  };
  // Points stand inside the compound's built part (70 % of its cell a side).
  const inside = (c: (typeof compounds)[number]) =>
    offsetByMetres(c.center, rng.uniform(-0.35, 0.35) * c.cw, rng.uniform(-0.35, 0.35) * c.ch);
  for (const c of compounds) {
    const k = Math.max(1, Math.round(c.households / 275));
    for (let j = 0; j < k; j++) {
      const share = Math.round(((j + 1) * c.households) / k) - Math.round((j * c.households) / k);
      addPoint(
        `${c.id}p${j + 1}`,
        { site: 'residential', building: false, catchmentHouseholds: share },
        inside(c),
      );
    }
    addPoint(`${c.id}e`, { site: 'entrance' }, inside(c));
  }
  addPoint(
    'market',
    { site: 'market' },
    offsetByMetres(geo.center, rng.uniform(-100, 100), rng.uniform(-100, 100)),
  );
  return {
    households,
    compounds: compounds.map(({ id, households: h, center }) => ({ id, households: h, center })),
    points,
    bins,
  };
}
