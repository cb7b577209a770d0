import { DAY, dayIndexOf, dayInfo, dayStart, HOUR, hourOfDay } from './calendar.js';
import { isHoliday } from './holidays.js';
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

/**
 * Weekend (and public holiday) volume over weekday volume, per site. ASSUMPTION: more home
 * cooking at weekends; the market busiest then; fewer commuters past the entrance.
 */
const WEEKEND_FACTOR: Record<BinSite, number> = { residential: 1.15, market: 1.35, entrance: 0.9 };
/** Waste per catchment household relative to a household's own. ASSUMPTION (stalls, passers-by). */
const SITE_FACTOR: Record<BinSite, number> = { residential: 1, market: 1.8, entrance: 0.6 };

/**
 * Day-to-day variation, as lognormal sigmas. ASSUMPTION chosen so the year's peak day is about
 * 1.6-1.8x the mean at a small catchment, as CJJ 27-2012's peak-day coefficient K = 1.5-1.8 says:
 * community-wide (weather, events) 0.05, per container 0.12, a slow drift of +-8 % over ~10 days
 * (occupancy: visitors, residents away), and within a day a +-20 % wobble that averages out.
 */
const SIGMA_COMMUNITY = 0.05;
const SIGMA_BIN = 0.12;
const DRIFT = 0.08;
const DRIFT_PERIOD = 10 * DAY;
const WOBBLE = 0.2;
/**
 * Bulk drops: a few extra bags at once (moving, renovation, festival packaging). ASSUMPTION: on
 * about one day in 60 per container, 30-90 L in one daytime hour.
 */
const BULK_DAILY_CHANCE = 1 / 60;
const BULK_LITRES = [30, 90] as const;

/** A collection point given by a community layout rather than drawn. */
export interface PointSpec {
  site?: BinSite;
  /** Residential only: a building-door point (240 L bins) rather than a collection point. */
  building?: boolean;
  catchmentHouseholds?: number;
}

const lognormal = (rng: Rng, sigma: number) => Math.exp(rng.normal(0, sigma) - (sigma * sigma) / 2);
const between = (rng: Rng, [lo, hi]: readonly [number, number]) => rng.uniform(lo, hi);

/**
 * One waste container filling from its catchment, emptied by collections. A container stands at
 * a collection point (`point`; by default its own) whose catchment and container count all its
 * containers share: each takes 1/N of the point's waste. N is what CJJ 27-2012 appendix A gives
 * for the catchment (see WASTE), so the city's daily round finds containers part full, as it does.
 */
export class BinModel {
  readonly site: BinSite;
  /** Households (or household equivalents, at a market or entrance) the collection point serves. */
  readonly catchmentHouseholds: number;
  /** Volume of this container, litres (240, 660 or 1100). */
  readonly capacityLitres: number;
  /** Containers at the point, by CJJ 27-2012 appendix A for daily collection. */
  readonly containersAtPoint: number;
  /** Mean waste this container receives a day, litres (over a week, before bulk drops). */
  readonly meanLitresPerDay: number;
  private readonly seed: number;
  private readonly communitySeed: number;
  private fill = 0;
  private last: number | undefined;
  private readonly collections: number[] = [];
  private dayCache: { index: number; litres: number; bulkHour: number; bulkLitres: number } | undefined;

  constructor(
    seed: number,
    readonly id: string,
    /** Local hour of the daily collection round; undefined when routes come from outside (the cloud). */
    private readonly collectionHour: number | undefined,
    /** Collection point the container stands at; containers of one point share its catchment. */
    readonly point: string = id,
    /**
     * 'average': the point gets CJJ 27-2012's Nave containers (rounded up), the default;
     * 'peak': Nmax, enough for the peak day's volume (K = 1.5-1.8 times more), so emptier bins.
     */
    provisioning: 'average' | 'peak' = 'average',
    /** Fixes the point's kind and catchment (a laid-out community); drawn when absent. */
    spec: PointSpec = {},
  ) {
    this.communitySeed = seed;
    this.seed = hashSeed(seed, 'bin', id);
    const p = new Rng(hashSeed(seed, 'bin-point', point));
    const drawnSite: BinSite = p.chance(0.7) ? 'residential' : p.chance(0.5) ? 'market' : 'entrance';
    this.site = spec.site ?? drawnSite;
    // Residential: half are building-door bins (one building, 12-36 households, 240 L bins), half
    // collection points (150-400 households, 660 L or 1100 L containers). ASSUMPTION.
    const building = this.site === 'residential' && (spec.building ?? p.chance(0.5));
    if (this.site === 'market') {
      this.catchmentHouseholds = p.int(40, 120);
      this.capacityLitres = 660;
    } else if (this.site === 'entrance') {
      this.catchmentHouseholds = p.int(20, 60);
      this.capacityLitres = 240;
    } else if (building) {
      this.catchmentHouseholds = p.int(12, 36);
      this.capacityLitres = 240;
    } else {
      this.catchmentHouseholds = p.int(150, 400);
      this.capacityLitres = p.chance(0.5) ? 660 : 1100;
    }
    if (spec.catchmentHouseholds !== undefined) this.catchmentHouseholds = spec.catchmentHouseholds;
    const c = WASTE.cjj27;
    const meanKg =
      this.catchmentHouseholds * WASTE.personsPerHousehold * WASTE.kgPerPersonDay * SITE_FACTOR[this.site];
    // The planner's design volume: CJJ 27-2012 A.0.1-A.0.3 with coefficients drawn in their ranges.
    const averageLitres =
      (between(p, c.unevenness) * between(p, c.populationVariation) * meanKg) /
      (WASTE.kgPerLitre * between(p, c.densityVariation));
    const peak = between(p, c.peakDay);
    const designLitres = provisioning === 'peak' ? peak * averageLitres : averageLitres;
    this.containersAtPoint = Math.max(
      1,
      Math.ceil(designLitres / (this.capacityLitres * between(p, c.fillCoefficient))),
    );
    this.meanLitresPerDay = meanKg / WASTE.kgPerLitre / this.containersAtPoint;
    const own = new Rng(this.seed);
    this.fill = own.uniform(0, this.meanDailyFillPct);
  }

  /** Mean fill a day, percent of the container (before bulk drops). */
  get meanDailyFillPct(): number {
    return (100 * this.meanLitresPerDay) / this.capacityLitres;
  }

  /** Litres arriving per hour at time t. */
  litresPerHour(t: number): number {
    const day = this.day(dayIndexOf(t));
    const hour = Math.floor(hourOfDay(t));
    const wobble = 1 + WOBBLE * valueNoise(this.seed, t, 3 * HOUR);
    return day.litres * wobble * HOURLY_SHARE[hour]! + (hour === day.bulkHour ? day.bulkLitres : 0);
  }

  /** Fill percentage points per hour at time t (before capping at 100). */
  ratePerHour(t: number): number {
    return (100 * this.litresPerHour(t)) / this.capacityLitres;
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

  /** The day's volume (litres, before the hourly shape) and its bulk drop, if any. */
  private day(index: number) {
    if (this.dayCache?.index === index) return this.dayCache;
    const info = dayInfo(index);
    const w = WEEKEND_FACTOR[this.site];
    const weekly = (5 + 2 * w) / 7; // so that the weekly mean is meanLitresPerDay
    const dayFactor = (info.weekend || isHoliday(index) ? w : 1) / weekly;
    const shared = lognormal(new Rng(hashSeed(this.communitySeed, 'waste-day', index)), SIGMA_COMMUNITY);
    const rng = new Rng(hashSeed(this.seed, 'day', index));
    const own = lognormal(rng, SIGMA_BIN);
    const drift = 1 + DRIFT * valueNoise(this.seed + 1, dayStart(index), DRIFT_PERIOD);
    const bulk = rng.chance(BULK_DAILY_CHANCE);
    this.dayCache = {
      index,
      litres: this.meanLitresPerDay * dayFactor * shared * own * drift,
      bulkHour: bulk ? rng.int(8, 20) : -1,
      bulkLitres: bulk ? between(rng, BULK_LITRES) : 0,
    };
    return this.dayCache;
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
