import { dayIndexOf, dayInfo, dayStart, HOUR, hourOfDay } from './calendar.js';
import { hashSeed, Rng, valueNoise } from './random.js';
import { WASTE } from './statistics.js';

export type BinSite = 'residential' | 'market' | 'entrance';

/**
 * Share of a day's waste dropped in each hour. ASSUMPTION shaped by the fixed drop-off times
 * (07:00-09:00, 18:00-20:00) of Shanghai's 2019 household waste regulation; a trickle otherwise.
 */
const HOURLY_SHARE = (() => {
  const w = Array.from({ length: 24 }, (_, h) =>
    h >= 7 && h < 9 ? 6 : h >= 18 && h < 20 ? 6 : h >= 6 && h < 23 ? 1 : 0.1,
  );
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
})();

/** Weekend factor per site. ASSUMPTION: more home cooking at weekends; the market busiest then. */
const WEEKEND_FACTOR: Record<BinSite, number> = { residential: 1.15, market: 1.35, entrance: 0.9 };
const SITE_FACTOR: Record<BinSite, number> = { residential: 1, market: 1.8, entrance: 0.6 };

/** A 240 L wheelie bin filling from its catchment, emptied by collections. */
export class BinModel {
  readonly site: BinSite;
  readonly catchmentHouseholds: number;
  private readonly seed: number;
  private fill = 0;
  private last: number | undefined;
  private readonly collections: number[] = [];

  constructor(
    seed: number,
    readonly id: string,
    /** Local hour of the daily collection round; undefined when routes come from outside (the cloud). */
    private readonly collectionHour: number | undefined,
  ) {
    this.seed = hashSeed(seed, 'bin', id);
    const rng = new Rng(this.seed);
    this.site = rng.chance(0.7) ? 'residential' : rng.chance(0.5) ? 'market' : 'entrance';
    this.catchmentHouseholds = rng.int(10, 25);
    this.fill = rng.uniform(0, 40);
  }

  /** Fill percentage points per hour at time t (before capping at 100). */
  ratePerHour(t: number): number {
    const day = dayInfo(dayIndexOf(t));
    const litresPerDay =
      (this.catchmentHouseholds * WASTE.personsPerHousehold * WASTE.kgPerPersonDay) / WASTE.kgPerLitre;
    const factor = SITE_FACTOR[this.site] * (day.weekend ? WEEKEND_FACTOR[this.site] : 1);
    const wobble = 1 + 0.3 * valueNoise(this.seed, t, 3 * HOUR);
    return (
      ((100 * litresPerDay) / WASTE.binLitres) * factor * wobble * HOURLY_SHARE[Math.floor(hourOfDay(t))]!
    );
  }

  /** A collection at time t (the sim's own round, or a route from the cloud). */
  empty(t: number): void {
    this.fillTo(t);
    this.fill = 0;
    this.collections.push(t);
  }

  fillAt(t: number): number {
    this.fillTo(t);
    return this.fill;
  }

  private fillTo(t: number): void {
    if (this.last === undefined) this.last = t;
    while (this.last < t) {
      // Integrate hour by hour (the rate is piecewise smooth), stopping at collection times.
      const nextHour = (Math.floor(this.last / HOUR) + 1) * HOUR;
      const collection = this.nextCollection(this.last);
      const stop = Math.min(t, nextHour, collection ?? Number.POSITIVE_INFINITY);
      this.fill = Math.min(
        100,
        this.fill + (this.ratePerHour((this.last + stop) / 2) * (stop - this.last)) / HOUR,
      );
      this.last = stop;
      if (stop === collection) this.fill = 0;
    }
  }

  private nextCollection(after: number): number | undefined {
    if (this.collectionHour === undefined) return undefined;
    const today = dayStart(dayIndexOf(after)) + this.collectionHour * HOUR;
    return today > after ? today : today + 24 * HOUR;
  }
}
