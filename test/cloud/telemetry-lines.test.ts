import { describe, expect, it } from 'vitest';
import { readingLinesUtf8 } from '../../cloud/src/adapters/influx-line.js';
import { encodeTelemetryLines } from '../../cloud/src/adapters/telemetry-lines.js';
import type { StoredReading } from '../../cloud/src/ports/timeseries-store.js';
import { telemetryParser } from '../../protocols/src/index.js';

/**
 * The fast path (payload bytes → line protocol) against the path it shortcuts (JSON.parse → schema
 * → readingLinesUtf8): for any payload it either declines (undefined) or gives exactly the same
 * bytes, reading count and devices as the old path, which must also accept the payload.
 */
const GW = 'gw-1';
const M = 'readings';

/** The old path, as IngestService decodes (undefined = dead letter). */
function oldPath(
  payload: Buffer,
  gatewayId = GW,
): { lines: Buffer; count: number; devices: Set<string> } | undefined {
  let batch: ReturnType<typeof telemetryParser.parse>;
  try {
    batch = telemetryParser.parse(JSON.parse(payload.toString('utf8')));
  } catch {
    return undefined;
  }
  if (batch.gatewayId !== gatewayId) return undefined;
  const readings: StoredReading[] = batch.readings.map((r) => ({ ...r, gatewayId }));
  return {
    lines: readingLinesUtf8(M, readings),
    count: readings.length,
    devices: new Set(readings.map((r) => r.device)),
  };
}

/** Checks the invariant on one payload; returns whether the fast path took it. */
function agree(payload: Buffer, gatewayId = GW): boolean {
  let fast: ReturnType<typeof encodeTelemetryLines>;
  try {
    fast = encodeTelemetryLines(payload, gatewayId, M);
  } catch (err) {
    throw new Error(`fast path threw on ${JSON.stringify(payload.toString('latin1'))}: ${err}`);
  }
  if (!fast) return false;
  const old = oldPath(payload, gatewayId);
  if (!old) throw new Error(`fast path accepted what the schema rejects: ${payload.toString('latin1')}`);
  expect(fast.lines.toString('latin1'), payload.toString('latin1')).toBe(old.lines.toString('latin1'));
  expect(fast.count).toBe(old.count);
  expect(new Set(fast.devices)).toEqual(old.devices);
  expect(fast.devices.length).toBe(old.devices.size);
  return true;
}

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

const ID_FIRST = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ID_REST = `${ID_FIRST}_.:-`;
const FIELD_FIRST = 'abcdefghijklmnopqrstuvwxyz';
const FIELD_REST = `${FIELD_FIRST}0123456789_`;
const word = (r: Rng, first: string, rest: string, max: number) => {
  let s = r.pick([...first]);
  for (let n = r.int(max); n > 0; n--) s += r.pick([...rest]);
  return s;
};

/** A number of one of many kinds, as JSON text (some take the fast path, some must not). */
function numberText(r: Rng): string {
  switch (r.int(12)) {
    case 0:
      return String(r.int(1000));
    case 1:
      return String(-r.int(1_000_000));
    case 2:
      return String((r.int(200) - 100) / 4);
    case 3:
      return String(r.next() * 10 ** (r.int(30) - 10));
    case 4:
      return String(-r.next() * 10 ** (r.int(40) - 20));
    case 5:
      return String(Math.round(r.next() * 1e6) / 1000);
    case 6:
      return String(r.int(2 ** 53));
    case 7:
      return r.pick([
        '0',
        '-0',
        '0.0',
        '1.0',
        '1.50',
        '1e3',
        '1E-3',
        '2e+2',
        '-0.0',
        '0.000001',
        '0.0000001',
      ]);
    case 8:
      return r.pick(['1234567890.12345', '1234567890.123456', '999999999999999', '1000000000000000']);
    case 9:
      return r.pick([
        '0.1',
        '0.30000000000000004',
        '123456789012345678901234567890',
        '1.7976931348623157e308',
      ]);
    case 10:
      return `${r.int(100)}.${'0'.repeat(r.int(8))}${r.int(1000)}`;
    default:
      return String(r.int(100_000) / 100);
  }
}

function stringText(r: Rng): string {
  switch (r.int(8)) {
    case 0:
      return JSON.stringify('say "hi"\\ ok');
    case 1:
      return JSON.stringify('温度 ok');
    case 2:
      return '"\\u0041bc"';
    case 3:
      return JSON.stringify('x'.repeat(r.pick([255, 256, 257])));
    case 4:
      return JSON.stringify('a,b=c d');
    default:
      return JSON.stringify(word(r, ID_REST, `${ID_REST} ,=`, 20));
  }
}

const WS = ['', '', '', ' ', '\n', '  ', '\t', '\r\n'];
/** An object's members in a random order with random whitespace. */
function obj(r: Rng, members: Array<[string, string]>, ws: boolean): string {
  const sp = () => (ws ? r.pick(WS) : '');
  const order = members.slice();
  if (r.next() < 0.5)
    for (let i = order.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  return `{${order.map(([k, v]) => `${sp()}${JSON.stringify(k)}${sp()}:${sp()}${v}${sp()}`).join(',')}}`;
}

/** A batch the schema (mostly) accepts; `plain` keeps to what the fast path should take. */
function batch(r: Rng, plain: boolean): Buffer {
  const ws = !plain || r.next() < 0.3;
  const devices = Array.from({ length: 1 + r.int(5) }, () => word(r, ID_FIRST, ID_REST, 20));
  const readings = Array.from({ length: 1 + r.int(plain ? 30 : 8) }, () => {
    const fields = new Map<string, string>();
    for (let n = r.int(plain ? 6 : 8); n > 0; n--) {
      const k = word(r, FIELD_FIRST, FIELD_REST, 12);
      const kind = r.int(4);
      fields.set(
        k,
        kind === 0
          ? r.pick(['true', 'false'])
          : kind === 1
            ? plain
              ? JSON.stringify(word(r, ID_REST, `${ID_REST} ,=`, 20))
              : stringText(r)
            : plain
              ? String(r.pick([r.int(100_000), r.int(2000) / 8, -r.int(50) / 2, r.int(1000) / 100]))
              : numberText(r),
      );
    }
    return obj(
      r,
      [
        ['seq', String(r.int(1e9))],
        ['device', JSON.stringify(r.pick(devices))],
        ['ts', String(1_767_000_000_000 + r.int(1e9))],
        ['quality', JSON.stringify(r.pick(['good', 'good', 'stale', 'comm_fail']))],
        ['values', obj(r, [...fields], ws)],
      ],
      ws,
    );
  });
  const sp = () => (ws ? r.pick(WS) : '');
  const body = obj(
    r,
    [
      ['v', '1'],
      ['gatewayId', JSON.stringify(GW)],
      ['seq', String(r.int(1e6))],
      ['sentAt', String(1_767_000_000_000 + r.int(1e9))],
      ['readings', `[${readings.map((x) => `${sp()}${x}${sp()}`).join(',')}]`],
    ],
    ws,
  );
  return Buffer.from(`${sp()}${body}${sp()}`, 'utf8');
}

describe('telemetry fast path', () => {
  it('gives the same lines as the old path for generated plain batches, and takes them', () => {
    const r = rng(1);
    let taken = 0;
    const n = 3000;
    for (let i = 0; i < n; i++) if (agree(batch(r, plain(r)))) taken++;
    function plain(_: Rng) {
      return true;
    }
    expect(taken).toBe(n); // plain batches are exactly what the fast path is for
  });

  it('gives the same lines or declines for generated odd batches', () => {
    const r = rng(2);
    let taken = 0;
    let valid = 0;
    const n = 5000;
    for (let i = 0; i < n; i++) {
      const p = batch(r, false);
      if (oldPath(p)) valid++;
      if (agree(p)) taken++;
    }
    // Both paths must be exercised, else the test proves little.
    expect(taken).toBeGreaterThan(n / 20);
    expect(valid - taken).toBeGreaterThan(n / 20);
  });

  it('the bench batch shape (space-padded numbers) takes the fast path', () => {
    const p = Buffer.from(
      '{"v":1,"gatewayId":"gw-1","seq":         1,"sentAt":1767000000000,"readings":[{"seq":            1,"device":"gw-1-d0","ts":1767000000000,"quality":"good","values":{"total_litres":0,"flow_lpm":0.5,"battery_pct":90,"leak":false}}]}',
    );
    expect(agree(p)).toBe(true);
  });

  it('numbers: takes only texts JavaScript prints the same, and those exactly', () => {
    const r = rng(3);
    const texts = new Set<string>();
    for (let i = 0; i < 20_000; i++) texts.add(numberText(r));
    for (let i = 0; i < 5000; i++) {
      // random digit strings around the 15-digit and 1e-6 edges
      const int = r.pick(['0', '-0', String(r.int(10 ** r.int(16))), `-${r.int(10 ** r.int(16))}`]);
      const frac = r.next() < 0.3 ? '' : `.${'0'.repeat(r.int(8))}${r.int(10 ** r.int(16))}`;
      texts.add(int + frac);
    }
    let taken = 0;
    for (const t of texts) {
      const p = Buffer.from(
        `{"v":1,"gatewayId":"gw-1","seq":1,"sentAt":1,"readings":[{"seq":1,"device":"d","ts":1,"quality":"good","values":{"x":${t}}}]}`,
      );
      if (agree(p)) {
        taken++;
        expect(String(Number(t))).toBe(t);
      }
    }
    expect(taken).toBeGreaterThan(texts.size / 4);
  });

  it('random byte mutations of valid batches: same lines or declined, never a crash', () => {
    const r = rng(4);
    let taken = 0;
    let changedTaken = 0;
    for (let i = 0; i < 4000; i++) {
      const base = batch(r, true).toString('latin1');
      let s = base;
      for (let m = 1 + r.int(3); m > 0; m--) {
        const at = r.int(s.length + 1);
        const c = r.pick([...'{}[]":,0123456789-.eE+ \\tfnu"aZ_', '\u00e9', '\u0000', '\n']);
        switch (r.int(4)) {
          case 0:
            s = s.slice(0, at) + s.slice(at + 1);
            break;
          case 1:
            s = s.slice(0, at) + c + s.slice(at);
            break;
          case 2:
            s = s.slice(0, at) + c + s.slice(at + 1);
            break;
          default:
            s = s.slice(0, at);
        }
      }
      if (agree(Buffer.from(s, 'latin1'))) {
        taken++;
        if (s !== base) changedTaken++;
      }
    }
    expect(taken).toBeGreaterThan(0);
    expect(changedTaken).toBeGreaterThan(0); // some mutations stay valid (a digit, whitespace)
  });

  const valid = (inner: string, values = '{"a":1}', top = '') =>
    `{"v":1,"gatewayId":"gw-1","seq":1,"sentAt":2${top},"readings":[{"seq":1,"device":"d-1","ts":3,"quality":"good","values":${values}${inner}}]}`;

  const corpus: Array<[string, string]> = [
    ['empty', ''],
    ['whitespace only', '   '],
    ['not an object', '[1]'],
    ['empty object', '{}'],
    ['truncated', valid('').slice(0, -3)],
    ['trailing garbage', `${valid('')}x`],
    ['two documents', `${valid('')}${valid('')}`],
    ['trailing comma', valid(',')],
    ['extra key in reading', valid(',"extra":1')],
    ['extra top-level key', valid('', '{"a":1}', ',"x":1')],
    ['duplicate top-level key', valid('', '{"a":1}', ',"seq":5')],
    ['duplicate reading key', valid(',"ts":4')],
    ['duplicate value key', valid('', '{"a":1,"b":2,"a":3}')],
    ['escaped key', valid('', '{"\\u0061":1}')],
    ['escaped reading key', valid('').replace('"ts"', '"\\u0074s"')],
    ['unicode value', valid('', '{"a":"\\u6e29"}')],
    ['raw unicode value', valid('', '{"a":"温"}')],
    ['escaped quote', valid('', '{"a":"x\\"y"}')],
    ['backslash', valid('', '{"a":"x\\\\y"}')],
    ['control char', valid('', '{"a":"x\u0001y"}')],
    ['newline in string', valid('', '{"a":"x\ny"}')],
    ['nested value', valid('', '{"a":{"b":1}}')],
    ['array value', valid('', '{"a":[1]}')],
    ['null value', valid('', '{"a":null}')],
    ['NaN', valid('', '{"a":NaN}')],
    ['Infinity', valid('', '{"a":Infinity}')],
    ['NaN string', valid('', '{"a":"NaN"}')],
    ['-0', valid('', '{"a":-0}')],
    ['-0.0', valid('', '{"a":-0.0}')],
    ['exponent', valid('', '{"a":1e3}')],
    ['huge', valid('', '{"a":1e400}')],
    ['long integer', valid('', '{"a":12345678901234567890}')],
    ['leading zero', valid('', '{"a":01}')],
    ['plus sign', valid('', '{"a":+1}')],
    ['bare dot', valid('', '{"a":.5}')],
    ['trailing dot', valid('', '{"a":1.}')],
    ['hex', valid('', '{"a":0x10}')],
    ['truex', valid('', '{"a":truex}')],
    ['True', valid('', '{"a":True}')],
    ['field name upper', valid('', '{"A":1}')],
    ['field name digit', valid('', '{"1a":1}')],
    ['field name 65 chars', valid('', `{"${'a'.repeat(65)}":1}`)],
    ['field name 64 chars', valid('', `{"${'a'.repeat(64)}":1}`)],
    ['65 values', valid('', `{${Array.from({ length: 65 }, (_, i) => `"f${i}":1`).join(',')}}`)],
    ['64 values', valid('', `{${Array.from({ length: 64 }, (_, i) => `"f${i}":1`).join(',')}}`)],
    ['string 257', valid('', `{"a":"${'x'.repeat(257)}"}`)],
    ['string 256', valid('', `{"a":"${'x'.repeat(256)}"}`)],
    ['empty values', valid('', '{}')],
    ['values not object', valid('', '[]')],
    ['empty readings', '{"v":1,"gatewayId":"gw-1","seq":1,"sentAt":2,"readings":[]}'],
    ['v 2', valid('').replace('"v":1', '"v":2')],
    ['v 1.0', valid('').replace('"v":1', '"v":1.0')],
    ['v string', valid('').replace('"v":1', '"v":"1"')],
    ['v 10', valid('').replace('"v":1', '"v":10')],
    ['missing v', valid('').replace('"v":1,', '')],
    ['missing values', valid('').replace(',"values":{"a":1}', '')],
    ['other gateway', valid('').replace('"gatewayId":"gw-1"', '"gatewayId":"gw-2"')],
    ['gateway prefix', valid('').replace('"gatewayId":"gw-1"', '"gatewayId":"gw-"')],
    ['bad device', valid('').replace('"d-1"', '"d 1"')],
    ['device starting with dash', valid('').replace('"d-1"', '"-d"')],
    ['device 65 chars', valid('').replace('"d-1"', `"${'d'.repeat(65)}"`)],
    ['bad quality', valid('').replace('"good"', '"bad"')],
    ['quality prefix', valid('').replace('"good"', '"goo"')],
    ['negative seq', valid('').replace('"seq":1,"device"', '"seq":-1,"device"')],
    ['seq -0', valid('').replace('"seq":1,"device"', '"seq":-0,"device"')],
    ['seq 1.0', valid('').replace('"seq":1,"device"', '"seq":1.0,"device"')],
    ['seq 1.5', valid('').replace('"seq":1,"device"', '"seq":1.5,"device"')],
    ['seq exponent', valid('').replace('"seq":1,"device"', '"seq":1e2,"device"')],
    ['ts string', valid('').replace('"ts":3', '"ts":"3"')],
    ['ts huge', valid('').replace('"ts":3', '"ts":99999999999999999999')],
    ['sentAt negative', valid('').replace('"sentAt":2', '"sentAt":-2')],
    ['BOM', `\ufeff${valid('')}`],
    ['whitespace everywhere', valid('').replace(/([{}[\]:,])/g, ' \n\t$1\r\n ')],
    ['plain', valid('')],
  ];
  for (const [name, text] of corpus) {
    it(`odd payload: ${name}`, () => {
      agree(Buffer.from(text, 'utf8'));
    });
  }

  it('declines what it should, so that the corpus tests the old path too', () => {
    const took = (name: string) => agree(Buffer.from(corpus.find(([n]) => n === name)![1], 'utf8'));
    for (const name of ['plain', 'whitespace everywhere', 'empty values', 'string 256', '64 values'])
      expect(took(name), name).toBe(true);
    for (const name of ['escaped key', 'unicode value', '-0', 'exponent', 'duplicate value key', 'v 1.0'])
      expect(took(name), name).toBe(false);
  });

  it('5,000 readings taken, 5,001 declined', () => {
    const reading = '{"seq":1,"device":"d","ts":3,"quality":"good","values":{"a":1}}';
    const of = (n: number) =>
      Buffer.from(
        `{"v":1,"gatewayId":"gw-1","seq":1,"sentAt":2,"readings":[${Array(n).fill(reading).join(',')}]}`,
      );
    expect(agree(of(5000))).toBe(true);
    expect(agree(of(5001))).toBe(false);
  });

  it('other measurements and gateways', () => {
    const p = Buffer.from(valid('').replace('"gatewayId":"gw-1"', '"gatewayId":"g.w:2_x"'));
    const fast = encodeTelemetryLines(p, 'g.w:2_x', 'my\\ m\\,x');
    expect(fast?.lines.toString()).toBe(
      'my\\ m\\,x,device=d-1 _seq=1i,a=1,_gateway="g.w:2_x",_quality="good" 3',
    );
  });
});
