import { dayIndexOf, dayInfo } from './calendar.js';
import { type DayPlan, planDay } from './day-plan.js';
import { type HouseholdEffects, NO_EFFECTS, type Window } from './effects.js';
import { drawPersona, type Persona } from './persona.js';

/** Always-on load: fridge compressor cycling plus standby (router, set-top box). ASSUMPTION. */
const FRIDGE_W = 90;
const FRIDGE_PERIOD_MS = 45 * 60_000;
const FRIDGE_ON_MS = 15 * 60_000;
const STANDBY_W = 6;

function overlap(a: Window, t0: number, t1: number): number {
  return Math.max(0, Math.min(a.end, t1) - Math.max(a.start, t0));
}

/**
 * One elder living alone, as the meters in the flat see them. Everything is a function of time
 * (plans are drawn per day from the seed), so meters can be stepped lazily, at any cadence, and two
 * runs with the same seed agree to the litre.
 */
export class Household {
  readonly persona: Persona;
  private readonly plans = new Map<number, DayPlan>();

  constructor(
    readonly id: string,
    private readonly seed: number,
    private readonly effects: HouseholdEffects = NO_EFFECTS,
  ) {
    this.persona = drawPersona(seed, id);
  }

  plan(dayIndex: number): DayPlan {
    let p = this.plans.get(dayIndex);
    if (!p) {
      p = planDay(this.seed, this.persona, dayInfo(dayIndex), this.effects);
      // A lazy reader only looks back a day or so: keep a small window of plans.
      if (this.plans.size > 8) {
        for (const k of this.plans.keys()) if (k < dayIndex - 3 || k > dayIndex + 3) this.plans.delete(k);
      }
      this.plans.set(dayIndex, p);
    }
    return p;
  }

  /** Plans whose intervals can touch [t0, t1] (activities of a day may run past its midnight). */
  private plansFor(t0: number, t1: number): DayPlan[] {
    const out: DayPlan[] = [];
    for (let d = dayIndexOf(t0) - 1; d <= dayIndexOf(t1); d++) out.push(this.plan(d));
    return out;
  }

  waterLitres(t0: number, t1: number): number {
    let litres = 0;
    for (const p of this.plansFor(t0, t1)) {
      for (const w of p.water) litres += (w.lpm * overlap(w, t0, t1)) / 60_000;
    }
    return litres;
  }

  flowLpm(t: number): number {
    let lpm = 0;
    for (const p of this.plansFor(t, t)) for (const w of p.water) if (t >= w.start && t < w.end) lpm += w.lpm;
    return lpm;
  }

  /**
   * True when water flowed without a break through all of [t0, t1]: the meter's own leak rule
   * (ultrasonic meters flag flow that never stops for an hour).
   */
  flowCovers(t0: number, t1: number): boolean {
    if (this.flowLpm(t1 - 1) === 0) return false; // the common case, and cheap
    const spans = this.plansFor(t0, t1)
      .flatMap((p) => p.water)
      .filter((w) => w.end > t0 && w.start < t1)
      .sort((a, b) => a.start - b.start);
    let reached = t0;
    for (const w of spans) {
      if (w.start > reached) return false;
      reached = Math.max(reached, w.end);
      if (reached >= t1) return true;
    }
    return false;
  }

  private powered(t: number): boolean {
    return !this.effects.outages.some((w) => t >= w.start && t < w.end);
  }

  powerW(t: number): number {
    if (!this.powered(t)) return 0;
    const phase = (t + this.persona.fridgePhaseMs) % FRIDGE_PERIOD_MS;
    let w = STANDBY_W + (phase < FRIDGE_ON_MS ? FRIDGE_W : 0);
    for (const p of this.plansFor(t, t)) for (const u of p.power) if (t >= u.start && t < u.end) w += u.watts;
    return w;
  }

  /** Energy in Wh over [t0, t1]. */
  energyWh(t0: number, t1: number): number {
    let wms = this.baseLoadWms(t0, t1);
    for (const o of this.effects.outages) {
      const s = Math.max(o.start, t0);
      const e = Math.min(o.end, t1);
      if (e > s) wms -= this.baseLoadWms(s, e);
    }
    for (const p of this.plansFor(t0, t1)) for (const u of p.power) wms += u.watts * overlap(u, t0, t1);
    return wms / 3_600_000;
  }

  /** Watt-milliseconds of the always-on load (the fridge's square wave integrated exactly). */
  private baseLoadWms(t0: number, t1: number): number {
    const onUntil = (t: number) => {
      const x = t + this.persona.fridgePhaseMs;
      return Math.floor(x / FRIDGE_PERIOD_MS) * FRIDGE_ON_MS + Math.min(x % FRIDGE_PERIOD_MS, FRIDGE_ON_MS);
    };
    return STANDBY_W * (t1 - t0) + FRIDGE_W * (onUntil(t1) - onUntil(t0));
  }

  /** Door openings in (t0, t1]. */
  doorOpenings(t0: number, t1: number): number {
    let n = 0;
    for (const p of this.plansFor(t0, t1)) for (const d of p.doors) if (d.at > t0 && d.at <= t1) n++;
    return n;
  }

  doorOpenAt(t: number): boolean {
    return this.plansFor(t, t).some((p) => p.doors.some((d) => t >= d.at && t < d.at + d.openMs));
  }
}
