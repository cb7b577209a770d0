import { describe, expect, it } from 'vitest';
import { type GatewayStats, NO_VALUE_EVENTS, statsParser } from '../../protocols/src/index.js';

describe('gateway stats: value events (rangeErrors, counterWraps, counterResets)', () => {
  // A message as gateways sent it before the field existed.
  const old: GatewayStats = {
    v: 1,
    gatewayId: 'gw-old',
    ts: 1_700_000_000_000,
    uptimeS: 60,
    outbox: { pending: 0, oldestTs: null },
    mqtt: { published: 1, acked: 1, reconnects: 0 },
    polls: { ok: 10, timeouts: 0, exceptions: 0, decodeErrors: 0 },
    devices: { total: 1, good: 1, stale: 0, commFail: 0 },
  };

  it('an old gateway stays valid and reads as nothing counted; its message is not modified', () => {
    const input = structuredClone(old);
    const parsed = statsParser.parse(input);
    expect(parsed.values).toEqual({ rangeErrors: 0, counterWraps: 0, counterResets: 0 });
    expect(parsed.values).toEqual(NO_VALUE_EVENTS);
    expect(input).toEqual(old);
    expect(input).not.toHaveProperty('values');
  });

  it('a new gateway sends its counts, and they are read as sent', () => {
    const values = { rangeErrors: 15, counterWraps: 1, counterResets: 2 };
    expect(statsParser.parse({ ...old, values }).values).toEqual(values);
  });

  it('refuses a negative, fractional, missing or unknown count, naming it', () => {
    const values = { rangeErrors: 1, counterWraps: 0, counterResets: 0 };
    expect(() => statsParser.parse({ ...old, values: { ...values, rangeErrors: -1 } })).toThrow(
      /\/values\/rangeErrors/,
    );
    expect(() => statsParser.parse({ ...old, values: { ...values, counterWraps: 0.5 } })).toThrow(
      /\/values\/counterWraps/,
    );
    const { counterResets: _, ...partial } = values;
    expect(statsParser.check({ ...old, values: partial })).toBe(false);
    expect(statsParser.check({ ...old, values: { ...values, nan: 1 } })).toBe(false);
  });
});
