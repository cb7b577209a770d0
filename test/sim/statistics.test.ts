import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-sim/src/clock.js';
import { Community } from '../../firmware-sim/src/community.js';
import { DAY, dayIndexOf, MINUTE } from '../../firmware-sim/src/model/calendar.js';
import type { DayPlan } from '../../firmware-sim/src/model/day-plan.js';
import {
  ELECTRICITY_KWH_PER_PERSON_DAY,
  NOCTURIA_RATE_RANGE,
  WAKE_TIME,
  WATER_LITRES_PER_PERSON_DAY,
} from '../../firmware-sim/src/model/statistics.js';
import { loadProfiles } from '../../protocols/src/index.js';

// Done-when of issue 3: a 30-day, 200-household accelerated run, driven by a ManualClock through the
// devices' registers (what the edge would poll), reproduces the published figures the model cites
// (firmware-sim/src/model/statistics.ts) within the tolerances stated there and below.

const HOUSEHOLDS = 200;
const DAYS = 30;
const START = Date.parse('2024-04-01T00:00:00+08:00'); // spring: no heating or cooling load
const STEP = 30 * MINUTE;

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
function sd(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
}

describe(`a ${DAYS}-day run of ${HOUSEHOLDS} households`, () => {
  let seconds = 0;
  let litresPerDay: number[] = [];
  let kwhPerDay: number[] = [];
  let plans: DayPlan[] = [];
  let wakes: Array<{ min: number; weekend: boolean }> = [];

  beforeAll(() => {
    const clock = new ManualClock(START);
    const community = new Community({
      profiles: loadProfiles(),
      clock,
      spec: { seed: 2024, households: HOUSEHOLDS, envSensors: 0, bins: 0 },
    });
    const read = (id: string, register: string) => {
      const d = community.byId.get(id)!;
      community.advance(d);
      return d.get(register) as number;
    };
    const ids = community.households.map((h) => h.id.slice(3));
    const first = ids.map((n) => ({
      litres: read(`wm-${n}`, 'total_litres'),
      kwh: read(`pm-${n}`, 'energy_kwh'),
    }));
    const began = performance.now();
    for (let t = START + STEP; t <= START + DAYS * DAY; t += STEP) {
      clock.set(t);
      for (const d of community.byId.values()) community.advance(d);
    }
    seconds = (performance.now() - began) / 1000;
    litresPerDay = ids.map((n, i) => (read(`wm-${n}`, 'total_litres') - first[i]!.litres) / DAYS);
    kwhPerDay = ids.map((n, i) => (read(`pm-${n}`, 'energy_kwh') - first[i]!.kwh) / DAYS);
    plans = community.households.flatMap((h) =>
      Array.from({ length: DAYS }, (_, d) => h.plan(dayIndexOf(START) + d)),
    );
    wakes = plans.flatMap((p) =>
      p.wakeAt === undefined ? [] : [{ min: (p.wakeAt - p.day.start) / MINUTE, weekend: p.day.weekend }],
    );
    const all = wakes.map((w) => w.min);
    console.log(
      `sim statistics: ${seconds.toFixed(1)} s; water ${mean(litresPerDay).toFixed(1)} L/day (sd ${sd(litresPerDay).toFixed(1)}); ` +
        `power ${mean(kwhPerDay).toFixed(2)} kWh/day; wake mean ${(mean(all) / 60).toFixed(2)} h sd ${sd(all).toFixed(1)} min; ` +
        `nights with >=2 visits ${(plans.filter((p) => p.nightVisits.length >= 2).length / plans.length).toFixed(2)}`,
    );
  });

  it('finishes in well under a few minutes', () => {
    // Measured ~6 s on the 2-core dev VM for 600 devices x 1,440 steps.
    expect(seconds).toBeLessThan(60);
  });

  it('uses water like southern Chinese city residents (141.8 L/person/day +-15%, inside GB/T 50331 zone 3)', () => {
    const m = mean(litresPerDay);
    expect(m).toBeGreaterThan(WATER_LITRES_PER_PERSON_DAY.southernMean * 0.85);
    expect(m).toBeLessThan(WATER_LITRES_PER_PERSON_DAY.southernMean * 1.15);
    expect(m).toBeGreaterThan(WATER_LITRES_PER_PERSON_DAY.zone3Band[0]);
    expect(m).toBeLessThan(WATER_LITRES_PER_PERSON_DAY.zone3Band[1]);
    // Households differ, but nobody is absurd: all between 60 and 300 L/day.
    expect(Math.min(...litresPerDay)).toBeGreaterThan(60);
    expect(Math.max(...litresPerDay)).toBeLessThan(300);
    expect(sd(litresPerDay)).toBeGreaterThan(10);
  });

  it('uses electricity like the national per-capita figure (2.62 kWh/day +-25%)', () => {
    const m = mean(kwhPerDay);
    const { mean: cited, tolerance } = ELECTRICITY_KWH_PER_PERSON_DAY;
    expect(m).toBeGreaterThan(cited * (1 - tolerance));
    expect(m).toBeLessThan(cited * (1 + tolerance));
    expect(Math.min(...kwhPerDay)).toBeGreaterThan(1);
  });

  it('wakes around 06:10 (mean +-15 min, SD 25-55 min), later at weekends', () => {
    const all = wakes.map((w) => w.min);
    expect(all.length).toBe(HOUSEHOLDS * DAYS); // no incidents in this run: everybody got up
    expect(Math.abs(mean(all) - WAKE_TIME.meanMin)).toBeLessThan(15);
    expect(sd(all)).toBeGreaterThan(25);
    expect(sd(all)).toBeLessThan(55);
    const early = all.filter((m) => m >= 5 * 60 && m <= 7.5 * 60).length / all.length;
    expect(early).toBeGreaterThan(0.85);
    const weekendShift =
      mean(wakes.filter((w) => w.weekend).map((w) => w.min)) -
      mean(wakes.filter((w) => !w.weekend).map((w) => w.min));
    expect(weekendShift).toBeGreaterThan(5);
    expect(weekendShift).toBeLessThan(25);
  });

  it('has nocturia in line with Bosch & Weiss (>=2 visits on 29-59% of nights for 70+)', () => {
    const share = plans.filter((p) => p.nightVisits.length >= 2).length / plans.length;
    expect(share).toBeGreaterThan(0.29);
    expect(share).toBeLessThan(0.59);
    expect(NOCTURIA_RATE_RANGE[0]).toBeLessThan(NOCTURIA_RATE_RANGE[1]);
  });
});
