import { describe, expect, it } from 'vitest';
import type { StoredReading, TimeseriesStore } from '../../cloud/src/ports/timeseries-store.js';

const T0 = Date.UTC(2026, 0, 5, 15, 0, 0); // 23:00 in Beijing (UTC+8): a day boundary sits one hour later

function reading(device: string, ts: number, values: StoredReading['values'], seq = 1): StoredReading {
  return { gatewayId: 'gw-c', device, ts, seq, quality: 'good', values };
}

/**
 * One contract for every TimeseriesStore adapter (embedded SQLite, InfluxDB): the same writes
 * must give the same answers. `fresh` returns an empty store for each test.
 */
export function timeseriesStoreContract(name: string, fresh: () => Promise<TimeseriesStore>): void {
  describe(`TimeseriesStore contract: ${name}`, () => {
    it('returns a raw range newest first, inclusive at both ends, up to the limit', async () => {
      const store = await fresh();
      await store.write([0, 1, 2, 3, 4].map((i) => reading('m-1', T0 + i * 1000, { litres: i * 10 }, i + 1)));
      await store.write([reading('m-2', T0, { litres: 999 })]);
      const range = await store.readings({ device: 'm-1', from: T0 + 1000, to: T0 + 3000, limit: 100 });
      expect(range.map((r) => [r.ts, r.values.litres, r.seq])).toEqual([
        [T0 + 3000, 30, 4],
        [T0 + 2000, 20, 3],
        [T0 + 1000, 10, 2],
      ]);
      expect((await store.readings({ device: 'm-1', limit: 2 })).map((r) => r.ts)).toEqual([
        T0 + 4000,
        T0 + 3000,
      ]);
      expect(await store.readings({ device: 'nobody', limit: 10 })).toEqual([]);
    });

    it('is idempotent per (device, ts): a redelivered reading replaces itself', async () => {
      const store = await fresh();
      const r = reading('m-1', T0, { litres: 1, on: true }, 7);
      await store.write([r]);
      await store.write([r]);
      await store.write([r, r]);
      const got = await store.readings({ device: 'm-1', limit: 10 });
      expect(got).toHaveLength(1);
      expect(got[0]).toEqual(r);
    });

    it('keeps numbers, booleans, strings (with quotes, commas, spaces) and comm_fail readings', async () => {
      const store = await fresh();
      const odd = 'say "hi", then\\ leave = ok';
      await store.write([
        reading('dev.a:1-x', T0, { temp: -12.5, door_open: false, label: odd, big: 4_294_967_295 }),
        { gatewayId: 'gw-c', device: 'dev.a:1-x', ts: T0 + 1, seq: 2, quality: 'comm_fail', values: {} },
      ]);
      const [fail, ok] = await store.readings({ device: 'dev.a:1-x', limit: 10 });
      expect(ok!.values).toEqual({ temp: -12.5, door_open: false, label: odd, big: 4_294_967_295 });
      expect(fail).toMatchObject({ quality: 'comm_fail', values: {}, seq: 2 });
    });

    it('aggregates per minute and per hour: mean, min, max, sum, last, count', async () => {
      const store = await fresh();
      // Two minutes of data: 1,2,3 in the first minute, 10,20 in the second; an hour later 5.
      const points = [
        [0, 1],
        [10_000, 2],
        [50_000, 3],
        [60_000, 10],
        [61_000, 20],
        [3_600_000, 5],
      ] as const;
      await store.write(points.map(([dt, v], i) => reading('m-1', T0 + dt, { flow: v }, i + 1)));
      const q = { device: 'm-1', field: 'flow', from: T0, to: T0 + 7_200_000 } as const;
      const perMinute = async (fn: 'mean' | 'min' | 'max' | 'sum' | 'last' | 'count') =>
        (await store.aggregate({ ...q, fn, window: '1m' })).map((p) => [p.start - T0, p.value]);
      expect(await perMinute('mean')).toEqual([
        [0, 2],
        [60_000, 15],
        [3_600_000, 5],
      ]);
      expect(await perMinute('min')).toEqual([
        [0, 1],
        [60_000, 10],
        [3_600_000, 5],
      ]);
      expect(await perMinute('max')).toEqual([
        [0, 3],
        [60_000, 20],
        [3_600_000, 5],
      ]);
      expect(await perMinute('sum')).toEqual([
        [0, 6],
        [60_000, 30],
        [3_600_000, 5],
      ]);
      expect(await perMinute('last')).toEqual([
        [0, 3],
        [60_000, 20],
        [3_600_000, 5],
      ]);
      expect(await perMinute('count')).toEqual([
        [0, 3],
        [60_000, 2],
        [3_600_000, 1],
      ]);
      const hourly = await store.aggregate({ ...q, fn: 'sum', window: '1h' });
      expect(hourly.map((p) => [p.start - T0, p.value])).toEqual([
        [0, 36],
        [3_600_000, 5],
      ]);
      // `to` is exclusive.
      expect(await store.aggregate({ ...q, to: T0 + 3_600_000, fn: 'count', window: '1h' })).toEqual([
        { start: T0, value: 5 },
      ]);
    });

    it('aggregates per local calendar day (UTC+8)', async () => {
      const store = await fresh();
      // T0 is 23:00 Beijing time: 30 min later is still that day, 90 min later is the next.
      await store.write([
        reading('m-1', T0, { kwh: 1 }, 1),
        reading('m-1', T0 + 1_800_000, { kwh: 2 }, 2),
        reading('m-1', T0 + 5_400_000, { kwh: 4 }, 3),
      ]);
      const days = await store.aggregate({
        device: 'm-1',
        field: 'kwh',
        fn: 'sum',
        window: '1d',
        from: T0 - 86_400_000,
        to: T0 + 86_400_000,
        utcOffsetHours: 8,
      });
      const beijingMidnight = Date.UTC(2026, 0, 4, 16, 0, 0);
      expect(days).toEqual([
        { start: beijingMidnight, value: 3 },
        { start: beijingMidnight + 86_400_000, value: 4 },
      ]);
    });

    it('returns the latest reading of each device', async () => {
      const store = await fresh();
      await store.write([
        reading('a', T0, { x: 1 }, 1),
        reading('a', T0 + 5, { x: 2 }, 2),
        reading('b', T0 + 1, { x: 3 }, 3),
        reading('c', T0 + 2, { x: 4 }, 4),
      ]);
      expect((await store.latest()).map((r) => [r.device, r.values.x])).toEqual([
        ['a', 2],
        ['b', 3],
        ['c', 4],
      ]);
      expect((await store.latest(['c', 'a'])).map((r) => r.device)).toEqual(['a', 'c']);
    });
  });
}
