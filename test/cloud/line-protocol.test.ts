import { Point } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { readingLine, readingLinesUtf8, toLine } from '../../cloud/src/adapters/influx-line.js';
import type { FieldValue } from '../../protocols/src/index.js';

/** Our hand-written line protocol must say exactly what the official client's Point says. */
describe('line protocol', () => {
  const cases: Array<{ device: string; fields: Record<string, FieldValue> }> = [
    { device: 'wm-001', fields: { litres: 12.5, leak: false, note: 'plain' } },
    { device: 'dev.a:1-x', fields: { temp: -40, label: 'say "hi", then\\ go = ok' } },
    { device: 'with space,comma=eq', fields: { v: 1e-7, big: 4_294_967_295 } },
  ];
  for (const c of cases) {
    it(`matches the client library for device "${c.device}"`, () => {
      const ts = 1_767_625_200_123;
      const ours = toLine({
        measurement: 'readings',
        tags: { device: c.device },
        intFields: { _seq: 42 },
        fields: c.fields,
        ts,
      });
      const p = new Point('readings').tag('device', c.device).intField('_seq', 42).timestamp(ts);
      for (const [k, v] of Object.entries(c.fields)) {
        if (typeof v === 'number') p.floatField(k, v);
        else if (typeof v === 'boolean') p.booleanField(k, v);
        else p.stringField(k, v);
      }
      const theirs = p.toLineProtocol()!;
      // Field order may differ (the library sorts keys); compare the parts.
      const split = (line: string) => {
        const [head, fields, time] = line.match(/^(\S+(?:\\ \S*)*) (.+) (\d+)$/)!.slice(1);
        // Booleans: the library writes T/F, we write true/false; InfluxDB reads both the same.
        const parts = fields!
          .split(/,(?=[a-z_]+=)/)
          .map((f) => f.replace(/=T$/, '=true').replace(/=F$/, '=false'));
        return { head, fields: parts.sort(), time };
      };
      expect(split(ours)).toEqual(split(theirs));
    });
  }

  it('the ingest fast path writes the same line as the general builder', () => {
    for (const c of cases) {
      const r = {
        device: c.device,
        ts: 1_767_625_200_123,
        seq: 42,
        gatewayId: 'gw "x"',
        quality: 'good',
        values: c.fields,
      };
      const general = toLine({
        measurement: 'readings',
        tags: { device: r.device },
        intFields: { _seq: r.seq },
        fields: { ...r.values, _gateway: r.gatewayId, _quality: r.quality },
        ts: r.ts,
      });
      expect(readingLine('readings', r)).toBe(general);
    }
  });

  it('a message becomes its lines as UTF-8 bytes, newline-separated', () => {
    const readings = cases.map((c, i) => ({
      device: `${c.device}-é`,
      ts: 1_767_625_200_123 + i,
      seq: i,
      gatewayId: 'gw-1',
      quality: 'good',
      values: c.fields,
    }));
    const bytes = readingLinesUtf8('readings', readings);
    expect(bytes.toString('utf8')).toBe(readings.map((r) => readingLine('readings', r)).join('\n'));
    expect(bytes.toString('utf8').split('\n')).toHaveLength(readings.length);
  });
});
