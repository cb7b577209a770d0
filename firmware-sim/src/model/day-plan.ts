import { type DayInfo, MINUTE, summerness } from './calendar.js';
import { dailyMeanTempC } from './climate.js';
import { declineAt, type HouseholdEffects, inWindows, subtractWindows, type Window } from './effects.js';
import type { Persona } from './persona.js';
import { clamp, Rng } from './random.js';
import { WAKE_TIME } from './statistics.js';

export interface WaterUse extends Window {
  lpm: number;
  what: string;
}
export interface PowerUse extends Window {
  watts: number;
  what: string;
}
export interface DoorEvent {
  at: number;
  openMs: number;
}

/** One household's day: every draw of water and power and every door opening, as intervals. */
export interface DayPlan {
  day: DayInfo;
  /** When the elder got up; undefined if they did not (ground truth for the detectors). */
  wakeAt: number | undefined;
  /** Planned wake, whatever happened: what "did not get up" is measured against. */
  plannedWakeAt: number;
  bedAt: number;
  water: WaterUse[];
  power: PowerUse[];
  doors: DoorEvent[];
  nightVisits: number[];
}

/** ASSUMPTIONS (flow rates and appliance powers typical of Chinese flats; see statistics.ts for totals). */
const FLUSH_L = 6; // GB 25502-2010 grade limits put modern toilets at 5-6.4 L per flush
const TAP_LPM = 4;
const SHOWER_LPM = 6;
const COOK_W = 1200; // induction hob at medium power
const KETTLE_W = 1800;

class Builder {
  readonly water: WaterUse[] = [];
  readonly power: PowerUse[] = [];
  readonly doors: DoorEvent[] = [];
  constructor(
    readonly start: number,
    private readonly waterFactor: number,
  ) {}
  at(min: number): number {
    return this.start + Math.round(min * MINUTE);
  }
  draw(min: number, durationMin: number, lpm: number, what: string): void {
    const s = this.at(min);
    this.water.push({ start: s, end: s + durationMin * MINUTE, lpm: lpm * this.waterFactor, what });
  }
  use(min: number, durationMin: number, watts: number, what: string): void {
    if (durationMin <= 0) return;
    const s = this.at(min);
    this.power.push({ start: s, end: s + durationMin * MINUTE, watts, what });
  }
  door(min: number, rng: Rng): void {
    this.doors.push({ at: this.at(min), openMs: rng.uniform(5_000, 25_000) });
  }
  toilet(min: number): void {
    this.draw(min, 1, FLUSH_L, 'toilet');
    this.draw(min + 1, 1 / 3, 3, 'hand wash');
  }
}

function wakeMinute(persona: Persona, day: DayInfo, rng: Rng, decline: number): number {
  return (
    persona.wakeMeanMin +
    rng.normal(0, WAKE_TIME.dayToDaySdMin) +
    (day.weekend ? WAKE_TIME.weekendShiftMin : 0) -
    WAKE_TIME.seasonalShiftMin * summerness(day.dayOfYear) +
    60 * decline // declining elders stay in bed longer
  );
}

/** Morning and afternoon outings (market, park): out of the door and back. */
function outings(b: Builder, rng: Rng, persona: Persona, wake: number, decline: number): Window[] {
  const out: Window[] = [];
  const keep = 1 - 0.8 * decline;
  if (rng.chance(persona.pMorningOuting * keep)) {
    const leave = wake + rng.uniform(60, 120);
    out.push({ start: leave, end: leave + rng.uniform(60, 150) });
  }
  if (rng.chance(persona.pAfternoonOuting * keep)) {
    const leave = rng.normal(15 * 60, 45);
    out.push({ start: leave, end: leave + rng.uniform(45, 120) });
  }
  for (const w of out) {
    b.door(w.start, rng);
    b.door(w.end, rng);
  }
  return out.map((w) => ({ start: b.at(w.start), end: b.at(w.end) }));
}

function meals(b: Builder, rng: Rng, persona: Persona, wake: number, decline: number): void {
  const cook = persona.cookingFactor * (1 - 0.5 * decline); // declining elders cook less
  b.use(wake + 10, 3, KETTLE_W, 'kettle');
  b.use(wake + 30, 12 * cook, 800, 'breakfast');
  b.draw(wake + 30, 2, 1.5, 'breakfast prep');
  b.draw(wake + 55, 1, TAP_LPM, 'dishes');
  const lunch = rng.normal(11 * 60 + 30, 15);
  b.draw(lunch - 10, 5, 1.5, 'lunch prep');
  b.use(lunch, 20 * cook, COOK_W, 'lunch');
  b.draw(lunch + 40, 1.5, TAP_LPM, 'dishes');
  const dinner = rng.normal(17 * 60 + 30, 15);
  b.draw(dinner - 10, 6, 1.5, 'dinner prep');
  b.use(dinner, 22 * cook, COOK_W, 'dinner');
  b.draw(dinner + 45, 2, TAP_LPM, 'dishes');
}

function chores(b: Builder, rng: Rng, persona: Persona, day: DayInfo): void {
  // ASSUMPTION: a shower most days in summer, every other day or so in winter.
  const pShower = 0.65 + 0.3 * summerness(day.dayOfYear);
  if (rng.chance(pShower)) {
    const t = rng.normal(19 * 60 + 30, 30);
    if (persona.electricWaterHeater) b.use(t - 25, 25, 2000, 'water heater');
    b.draw(t, 7, SHOWER_LPM, 'shower');
  }
  if (rng.chance(0.4)) {
    const t = rng.normal(9 * 60 + 30, 60);
    for (const k of [0, 15, 30]) b.draw(t + k, 1.5, 10, 'washing machine');
    b.use(t, 45, 350, 'washing machine');
  }
  b.draw(rng.uniform(14 * 60, 17 * 60), 1.33, 6, 'mopping');
}

/** Heating and cooling from the day's mean temperature. ASSUMPTION: frugal use by elders. */
function climateControl(b: Builder, day: DayInfo): void {
  const t = dailyMeanTempC(day.dayOfYear);
  const coolKwh = 0.4 * Math.max(0, t - 25);
  const heatKwh = 0.1 * Math.max(0, 12 - t);
  if (coolKwh > 0) b.use(13 * 60, Math.min(11, coolKwh / 0.9) * 60, 900, 'air conditioner');
  if (heatKwh > 0) b.use(18 * 60, Math.min(5, heatKwh / 1.2) * 60, 1200, 'heater');
}

function sundayVisit(b: Builder, rng: Rng, day: DayInfo): void {
  // ASSUMPTION: children visit on about a third of Sundays, for lunch.
  if (day.weekday !== 0 || !rng.chance(0.35)) return;
  b.door(11 * 60 + rng.uniform(-20, 20), rng);
  b.use(11 * 60 + 30, 30, 1500, 'family lunch');
  b.draw(13 * 60, 7.5, TAP_LPM, 'family dishes');
  b.toilet(12 * 60);
  b.toilet(14 * 60);
  b.door(16 * 60 + rng.uniform(-30, 30), rng);
}

/** Plans a household's day from its persona, the calendar and the incidents affecting it. */
export function planDay(seed: number, persona: Persona, day: DayInfo, effects: HouseholdEffects): DayPlan {
  const rng = Rng.of(seed, 'day', persona.householdId, day.index);
  const decline = declineAt(effects, day.start);
  const b = new Builder(day.start, persona.waterFactor);
  const wake = clamp(wakeMinute(persona, day, rng, decline), 4 * 60, 10 * 60);
  const bed = clamp(rng.normal(persona.bedMeanMin, 20), 20 * 60, 23 * 60 + 50);

  const nightVisits: number[] = [];
  const visits = rng.poisson(persona.nocturiaRate * (1 + decline));
  for (let i = 0; i < visits; i++) {
    const t = rng.uniform(30, wake - 20);
    nightVisits.push(b.at(t));
    b.toilet(t);
    b.use(t, 5, 15, 'night light');
  }
  b.toilet(wake + 2);
  b.draw(wake + 5, 2, TAP_LPM, 'wash');
  b.use(wake, 30, 20, 'lights');
  meals(b, rng, persona, wake, decline);
  chores(b, rng, persona, day);
  const daytimeFlushes = 4 + rng.int(0, 2);
  for (let i = 0; i < daytimeFlushes; i++) b.toilet(rng.uniform(wake + 60, bed - 20));
  const sunset = 18 * 60 + 5 + 55 * summerness(day.dayOfYear);
  b.use(sunset, bed - sunset, 30, 'lights');
  b.use(19 * 60, bed - 10 - 19 * 60, 90, 'tv');
  b.draw(bed - 15, 2, TAP_LPM, 'wash');
  b.toilet(bed - 10);
  sundayVisit(b, rng, day);
  climateControl(b, day);
  const away = outings(b, rng, persona, wake, decline);

  return applyEffects(
    {
      day,
      wakeAt: b.at(wake),
      plannedWakeAt: b.at(wake),
      bedAt: b.at(bed),
      water: b.water,
      power: b.power,
      doors: b.doors,
      nightVisits,
    },
    away,
    effects,
    rng,
  );
}

/** Removes what nobody was home (or able) to do, and adds what incidents cause. */
function applyEffects(plan: DayPlan, outings: Window[], effects: HouseholdEffects, rng: Rng): DayPlan {
  const dayEnd = plan.day.start + 86_400_000;
  const overlaps = (w: Window) => w.end > plan.day.start - 6 * 3_600_000 && w.start < dayEnd;
  const suppress = [...outings, ...effects.suppress.filter(overlaps)];
  // Climate control and lights left on keep running while the elder is out or unable to act.
  const manual = (p: PowerUse) => p.what !== 'air conditioner' && p.what !== 'heater';
  let water = plan.water.flatMap((w) => subtractWindows(w, suppress));
  let power = plan.power.flatMap((p) => (manual(p) ? subtractWindows(p, suppress) : [p]));
  let doors = plan.doors.filter((d) => !inWindows(d.at, effects.suppress));
  const within = (t: number) => t >= plan.day.start && t < dayEnd;
  for (const w of effects.away) {
    for (const t of [w.start, w.end])
      if (within(t)) doors.push({ at: t, openMs: rng.uniform(5_000, 25_000) });
  }
  for (const w of effects.wander) {
    if (!within(w.start)) continue;
    doors.push({ at: w.start, openMs: rng.uniform(5_000, 40_000) });
    doors.push({ at: w.end, openMs: rng.uniform(5_000, 40_000) });
    power.push({ start: w.start - 2 * MINUTE, end: w.end + 10 * MINUTE, watts: 30, what: 'lights' });
  }
  for (const tap of effects.taps) {
    if (within(tap.start))
      water.push({ start: tap.start, end: tap.end, lpm: tap.lpm, what: 'tap left running' });
  }
  const outages = effects.outages.filter(overlaps);
  if (outages.length > 0) power = power.flatMap((p) => subtractWindows(p, outages));
  water = water.filter((w) => w.end > w.start);
  power = power.filter((p) => p.end > p.start);
  doors = doors.sort((a, b) => a.at - b.at);
  const awake = plan.wakeAt !== undefined && !inWindows(plan.wakeAt, effects.suppress);
  const nightVisits = plan.nightVisits.filter((t) => !inWindows(t, suppress));
  return { ...plan, wakeAt: awake ? plan.wakeAt : undefined, water, power, doors, nightVisits };
}
