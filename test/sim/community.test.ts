import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-sim/src/clock.js';
import { Community } from '../../firmware-sim/src/community.js';
import { DEMO_COMMUNITY } from '../../firmware-sim/src/community-spec.js';
import { BinModel } from '../../firmware-sim/src/model/bin.js';
import { DAY, HOUR } from '../../firmware-sim/src/model/calendar.js';
import { EnvironmentModel } from '../../firmware-sim/src/model/environment.js';
import { loadProfiles } from '../../protocols/src/index.js';

const START = Date.parse('2024-04-01T00:00:00+08:00');
const profiles = loadProfiles();
const READ = Buffer.from([0x03, 0, 0, 0, 2]);

describe('community layout', () => {
  it('keeps the walking-skeleton layout for waterMeters', () => {
    const c = new Community({ profiles, clock: new ManualClock(START), waterMeters: 3 });
    expect([...c.devices.entries()].map(([u, d]) => [u, d.id, d.get('total_litres')])).toEqual([
      [1, 'wm-001', 1000],
      [2, 'wm-002', 2000],
      [3, 'wm-003', 3000],
    ]);
  });

  it('builds the demo community on two gateways', () => {
    const c = new Community({ profiles, clock: new ManualClock(START), spec: DEMO_COMMUNITY });
    expect(c.gateways.map((g) => g.devices.size)).toEqual([72, 72]);
    expect(c.byId.size).toBe(40 * 3 + 4 + 20);
    expect(c.devices.get(1)!.id).toBe('wm-001');
    expect(new Set(c.inventory.map((e) => e.model)).size).toBe(5);
  });

  it('scales to 1,000+ devices and answers a poll of all of them quickly', () => {
    const clock = new ManualClock(START);
    const began = performance.now();
    const c = new Community({
      profiles,
      clock,
      spec: { seed: 3, households: 400, envSensors: 10, bins: 60 },
    });
    expect(c.byId.size).toBe(1270);
    expect(c.gateways.length).toBe(6);
    clock.advance(HOUR);
    for (const g of c.gateways)
      for (const u of g.devices.keys()) expect(Buffer.isBuffer(g.handle(u, READ))).toBe(true);
    expect(performance.now() - began).toBeLessThan(10_000);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const run = (seed: number) => {
      const clock = new ManualClock(START);
      const c = new Community({ profiles, clock, spec: { seed, households: 5, envSensors: 1, bins: 2 } });
      clock.advance(2 * DAY + 7 * HOUR);
      return [...c.byId.values()].map((d) => {
        c.advance(d);
        return Object.fromEntries(d.values);
      });
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it('refuses more devices than a gateway can address', () => {
    expect(
      () =>
        new Community({
          profiles,
          clock: new ManualClock(START),
          spec: { households: 100, envSensors: 0, bins: 0, gateways: 1 },
        }),
    ).toThrow(/use more gateways/);
  });
});

describe('environment and bins', () => {
  it('environment follows a diurnal curve: warmer at 15:00 than at 04:00, noisier by day', () => {
    const env = new EnvironmentModel(1, 'env-001', { roadside: true });
    const days = Array.from({ length: 10 }, (_, d) => START + d * DAY);
    const warmer = days.filter(
      (d) => env.at(d + 15 * HOUR).temperatureC > env.at(d + 4 * HOUR).temperatureC,
    ).length;
    expect(warmer).toBeGreaterThanOrEqual(9);
    expect(days.every((d) => env.at(d + 10 * HOUR).noiseDb > env.at(d + 3 * HOUR).noiseDb)).toBe(true);
    const r = env.at(START + 8 * HOUR);
    expect(r.co2Ppm).toBeGreaterThan(400);
    expect(r.pm25).toBeGreaterThan(0);
  });

  it('bins fill faster at the market than at an entrance, and faster at weekends', () => {
    const bins = Array.from({ length: 40 }, (_, i) => new BinModel(5, `bin-${i}`, undefined));
    // Litres a catchment household brings to the point: the containers share it, each 1/N.
    const perHousehold = (b: BinModel, t: number) =>
      (b.litresPerHour(t) * b.containersAtPoint) / b.catchmentHouseholds;
    const saturday = Date.parse('2024-04-06T08:00:00+08:00');
    const wednesday = Date.parse('2024-04-03T08:00:00+08:00');
    const market = bins.find((b) => b.site === 'market')!;
    const entrance = bins.find((b) => b.site === 'entrance')!;
    expect(perHousehold(market, wednesday) / perHousehold(entrance, wednesday)).toBeGreaterThan(1.5);
    const resid = bins.filter((b) => b.site === 'residential');
    const avg = (t: number) => resid.reduce((s, b) => s + perHousehold(b, t), 0) / resid.length;
    expect(avg(saturday)).toBeGreaterThan(avg(wednesday));
  });

  it('containers are sized for their catchment: a daily round finds them part full, rarely full', () => {
    // CJJ 27-2012 appendix A sizing: a city's daily round (the practice the model must reproduce)
    // finds containers typically 30-70 % full and almost never overflowing.
    const bins = Array.from({ length: 120 }, (_, i) => new BinModel(7, `bin-${i}`, 9.5));
    expect(new Set(bins.map((b) => b.capacityLitres))).toEqual(new Set([240, 660, 1100]));
    expect(bins.filter((b) => b.site === 'entrance').every((b) => b.capacityLitres === 240)).toBe(true);
    const found: number[] = [];
    for (const b of bins)
      for (let d = 1; d <= 42; d++) found.push(b.fillAt(START + d * DAY + 9.5 * HOUR - 60_000));
    found.sort((a, b) => a - b);
    const q = (p: number) => found[Math.floor(p * (found.length - 1))]!;
    expect(q(0.5)).toBeGreaterThan(30);
    expect(q(0.5)).toBeLessThan(60);
    expect(q(0.1)).toBeGreaterThan(15);
    expect(q(0.9)).toBeLessThan(75);
    expect(found.filter((f) => f >= 99.9).length / found.length).toBeLessThan(0.005);
    // Public holidays (Qingming, 4-6 April 2024) look like weekends at residential bins.
    const resid = bins.filter((b) => b.site === 'residential');
    const day = (t: number) => resid.reduce((s, b) => s + b.litresPerHour(t), 0);
    expect(day(Date.parse('2024-04-05T08:00:00+08:00'))).toBeGreaterThan(
      day(Date.parse('2024-04-10T08:00:00+08:00')),
    );
  });

  it('a bin fills over a day and empties at collection', () => {
    const bin = new BinModel(5, 'bin-x', 9.5);
    const f0 = bin.fillAt(START + 10 * HOUR);
    const f1 = bin.fillAt(START + 22 * HOUR);
    expect(f1).toBeGreaterThan(f0 + 10);
    expect(bin.fillAt(START + DAY + 9.6 * HOUR)).toBeLessThan(5);
    bin.empty(START + DAY + 22 * HOUR);
    expect(bin.fillAt(START + DAY + 22 * HOUR)).toBe(0);
  });
});
