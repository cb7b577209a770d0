import { describe, expect, it } from 'vitest';
import {
  buildRemoteConfig,
  type CommandRequest,
  type CommandResponse,
  type ConfigResult,
  canonicalJson,
  commandRequestParser,
  commandResponseParser,
  configHash,
  configResultParser,
  type GatewayStats,
  NO_VALUE_EVENTS,
  remoteConfigParser,
  statsParser,
} from '../../protocols/src/index.js';

/** Parses, expecting a SchemaError whose message names `field`; returns the message. */
function rejection(parse: () => unknown): string {
  try {
    parse();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the value to be rejected');
}

describe('gateway stats', () => {
  const stats: GatewayStats = {
    v: 1,
    gatewayId: 'gw-1',
    ts: 1_700_000_000_000,
    uptimeS: 3600.5,
    outbox: { pending: 12, oldestTs: 1_699_999_990_000 },
    mqtt: { published: 100, acked: 98, reconnects: 1 },
    polls: { ok: 5000, timeouts: 3, exceptions: 1, decodeErrors: 0 },
    devices: { total: 40, good: 39, stale: 0, commFail: 1 },
    buses: [{ id: 'rs485-1', requests: 5004, timeouts: 3, exceptions: 1, meanLatencyMs: 18.2 }],
  };
  it('accepts a valid message, with or without an empty outbox', () => {
    expect(statsParser.parse(stats)).toEqual({ ...stats, values: NO_VALUE_EVENTS });
    expect(statsParser.check({ ...stats, outbox: { pending: 0, oldestTs: null } })).toBe(true);
  });
  it('rejects a negative counter, an unknown field and another version, naming the field', () => {
    expect(rejection(() => statsParser.parse({ ...stats, polls: { ...stats.polls, timeouts: -1 } }))).toMatch(
      /\/polls\/timeouts/,
    );
    expect(rejection(() => statsParser.parse({ ...stats, cpu: 3 }))).toMatch(/additional properties/);
    expect(rejection(() => statsParser.parse({ ...stats, v: 2 }))).toMatch(/\/v /);
  });
});

describe('remote config', () => {
  const body = { gateway: { id: 'gw-1' }, devices: [{ id: 'wm-001', unitId: 1 }] };
  it('hashes the canonical JSON, so key order does not matter', () => {
    const reordered = { devices: [{ unitId: 1, id: 'wm-001' }], gateway: { id: 'gw-1' } };
    expect(canonicalJson(reordered)).toBe('{"devices":[{"id":"wm-001","unitId":1}],"gateway":{"id":"gw-1"}}');
    expect(configHash(reordered)).toBe(configHash(body));
    expect(configHash(body)).toMatch(/^[0-9a-f]{64}$/);
    expect(configHash({ ...body, gateway: { id: 'gw-2' } })).not.toBe(configHash(body));
  });
  it('accepts a config built with its hash', () => {
    const rc = buildRemoteConfig('7', body, 1_700_000_000_000);
    expect(remoteConfigParser.parse(JSON.parse(JSON.stringify(rc)))).toEqual(rc);
  });
  it('rejects a body that does not match its hash', () => {
    const rc = buildRemoteConfig('7', body, 1);
    const tampered = { ...rc, config: { ...body, devices: [] } };
    expect(rejection(() => remoteConfigParser.parse(tampered))).toMatch(/\/hash does not match sha256/);
  });
  it('rejects a malformed hash and a missing version with the field', () => {
    const rc = buildRemoteConfig('7', body, 1);
    expect(rejection(() => remoteConfigParser.parse({ ...rc, hash: 'abc' }))).toMatch(
      /\/hash must match pattern/,
    );
    const { version: _, ...noVersion } = rc;
    expect(rejection(() => remoteConfigParser.parse(noVersion))).toMatch(/version/);
  });
});

describe('config result', () => {
  const applied: ConfigResult = {
    v: 1,
    gatewayId: 'gw-1',
    version: '7',
    hash: 'a'.repeat(64),
    status: 'applied',
    ts: 5,
  };
  it('accepts applied without a reason and rejected/rolled_back with one', () => {
    expect(configResultParser.parse(applied)).toEqual(applied);
    const rolledBack = {
      ...applied,
      status: 'rolled_back',
      reason: 'no device answered',
      activeVersion: '6',
    };
    expect(configResultParser.check(rolledBack)).toBe(true);
  });
  it('requires a reason for rejected and rolled_back', () => {
    expect(rejection(() => configResultParser.parse({ ...applied, status: 'rejected' }))).toMatch(
      /\/reason is required when status is rejected/,
    );
    expect(configResultParser.check({ ...applied, status: 'rolled_back' })).toBe(false);
  });
  it('rejects an unknown status with the field', () => {
    expect(rejection(() => configResultParser.parse({ ...applied, status: 'maybe' }))).toMatch(/\/status/);
  });
});

describe('command request', () => {
  const read: CommandRequest = {
    v: 1,
    id: 'c0ffee-1',
    op: 'read_register',
    args: { device: 'wm-001', register: 'total_litres' },
    issuedAt: 1,
    timeoutMs: 5000,
  };
  it('accepts each op with its own args', () => {
    expect(commandRequestParser.parse(read)).toEqual(read);
    const ok: CommandRequest[] = [
      {
        v: 1,
        id: 'c2',
        op: 'read_register',
        args: { device: 'pm-001', area: 'holding', address: 0, count: 10 },
        issuedAt: 1,
      },
      {
        v: 1,
        id: 'c3',
        op: 'write_register',
        args: { device: 'pm-001', register: 'relay_on', value: false },
        issuedAt: 1,
      },
      { v: 1, id: 'c4', op: 'rescan', args: { bus: 'rs485-1', fromUnit: 1, toUnit: 20 }, issuedAt: 1 },
      { v: 1, id: 'c5', op: 'reload', args: {}, issuedAt: 1 },
    ];
    for (const req of ok) expect(commandRequestParser.issues(req)).toEqual([]);
  });
  it('names the bad field inside the args of the op', () => {
    const bad = {
      ...read,
      op: 'write_register',
      args: { device: 'wm-001', register: 'relay_on', value: 'on' },
    };
    expect(rejection(() => commandRequestParser.parse(bad))).toMatch(/\/args\/value/);
    expect(
      rejection(() => commandRequestParser.parse({ ...read, op: 'reload', args: { force: true } })),
    ).toMatch(/\/args/);
  });
  it('requires either a register name or an address for reads', () => {
    expect(rejection(() => commandRequestParser.parse({ ...read, args: { device: 'wm-001' } }))).toMatch(
      /\/args give either register, or area and address/,
    );
    expect(
      rejection(() => commandRequestParser.parse({ ...read, args: { device: 'wm-001', area: 'holding' } })),
    ).toMatch(/\/args\/address is required/);
  });
  it('rejects an unknown op and a missing correlation id', () => {
    expect(rejection(() => commandRequestParser.parse({ ...read, op: 'format_disk' }))).toMatch(/\/op/);
    const { id: _, ...noId } = read;
    expect(rejection(() => commandRequestParser.parse(noId))).toMatch(/id/);
  });
});

describe('command response', () => {
  const ok: CommandResponse = {
    v: 1,
    id: 'c0ffee-1',
    op: 'read_register',
    gatewayId: 'gw-1',
    status: 'ok',
    result: { value: 100000, raw: [1, 0x86a0] },
    ts: 2,
  };
  it('accepts a result and an error', () => {
    expect(commandResponseParser.parse(ok)).toEqual(ok);
    const failed = {
      ...ok,
      status: 'error',
      result: undefined,
      error: { code: 'timeout', message: 'no answer in 1000 ms' },
    };
    delete failed.result;
    expect(commandResponseParser.issues(failed)).toEqual([]);
  });
  it('checks the result against the op', () => {
    expect(rejection(() => commandResponseParser.parse({ ...ok, result: { value: 1 } }))).toMatch(/\/result/);
    const rescan = { ...ok, op: 'rescan', result: { found: [{ bus: 'rs485-1', unitId: 300 }] } };
    expect(rejection(() => commandResponseParser.parse(rescan))).toMatch(/\/result\/found\/0\/unitId/);
  });
  it('ties status to result and error', () => {
    expect(rejection(() => commandResponseParser.parse({ ...ok, status: 'error' }))).toMatch(
      /\/error is required/,
    );
    const both = { ...ok, error: { code: 'internal', message: 'x' } };
    expect(rejection(() => commandResponseParser.parse(both))).toMatch(/\/error must be absent/);
    const badCode = { ...ok, status: 'error', result: undefined, error: { code: 'oops', message: 'x' } };
    expect(rejection(() => commandResponseParser.parse(badCode))).toMatch(/\/error\/code/);
  });
});
