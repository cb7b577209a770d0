import { describe, expect, it } from 'vitest';
import { parseEdgeConfig } from '../../edge/src/config.js';

const good = `gateway:
  id: gw-1
mqtt:
  url: mqtt://127.0.0.1:1883
outbox:
  path: /tmp/x.db
buses:
  - id: b1
    type: tcp
    host: 127.0.0.1
    port: 502
devices:
  - id: d1
    bus: b1
    unitId: 1
    profile: linli-wm-100
    pollIntervalMs: 1000
`;

describe('edge config', () => {
  it('accepts a valid file', () => {
    const cfg = parseEdgeConfig(good, 'edge.yaml');
    expect(cfg.devices[0]!.unitId).toBe(1);
  });

  it('names the file, line and field of a bad value', () => {
    const bad = good.replace('unitId: 1', 'unitId: 300');
    expect(() => parseEdgeConfig(bad, 'edge.yaml')).toThrow(
      /edge\.yaml:15: devices\.0\.unitId: must be <= 247/,
    );
  });

  it('names an unknown key with the keys allowed there, without the other bus type fields', () => {
    const bad = good.replace('    port: 502\n', '    port: 502\n    speed: 9600\n');
    let message = '';
    try {
      parseEdgeConfig(bad, 'edge.yaml');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /edge\.yaml:12: buses\.0\.speed: unknown setting "speed" \(check the spelling; allowed here: id, type, host, port/,
    );
    // An RTU bus's fields (path, baudRate) are not asked of a TCP bus, nor are host/port flagged.
    expect(message).not.toMatch(/baudRate|schema is false|buses\.0\.host|constant/);
    expect(message.trim().split('\n')).toHaveLength(2); // the heading and the one issue
  });

  it('an unknown bus type is named with the types there are, and nothing else about that bus', () => {
    let message = '';
    try {
      parseEdgeConfig(good.replace('type: tcp', 'type: udp'), 'edge.yaml');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/edge\.yaml:9: buses\.0\.type: must be one of tcp, rtu/);
    expect(message.trim().split('\n')).toHaveLength(2);
  });

  it('names a missing field at its parent', () => {
    const bad = good.replace('    pollIntervalMs: 1000\n', '');
    expect(() => parseEdgeConfig(bad, 'edge.yaml')).toThrow(/edge\.yaml:13: devices\.0: .*pollIntervalMs/);
  });

  it('reports YAML syntax errors with the line', () => {
    expect(() => parseEdgeConfig('gateway:\n  id: [unclosed\n', 'edge.yaml')).toThrow(
      /edge\.yaml:\d+: YAML syntax error/,
    );
  });

  it('rejects a device on an undeclared bus and duplicate unit ids', () => {
    const bad = `${good}  - { id: d2, bus: nope, unitId: 1, profile: linli-wm-100, pollIntervalMs: 1000 }\n  - { id: d3, bus: b1, unitId: 1, profile: linli-wm-100, pollIntervalMs: 1000 }\n`;
    expect(() => parseEdgeConfig(bad, 'edge.yaml')).toThrow(
      /devices\.d2\.bus: no bus "nope"[\s\S]*devices\.d3\.unitId: unit 1 is already used/,
    );
  });

  it('environment variables override the file, and are validated too', () => {
    expect(parseEdgeConfig(good, 'edge.yaml', { LINLI_MQTT_URL: 'mqtt://broker:1883' }).mqtt.url).toBe(
      'mqtt://broker:1883',
    );
    expect(() => parseEdgeConfig(good, 'edge.yaml', { LINLI_MQTT_URL: 'http://nope' })).toThrow(
      /mqtt\.url: must match pattern/,
    );
  });

  it('validates mqtt.lingerMs', () => {
    const withLinger = (v: string) =>
      good.replace('  url: mqtt://127.0.0.1:1883\n', `  url: mqtt://127.0.0.1:1883\n  lingerMs: ${v}\n`);
    expect(parseEdgeConfig(withLinger('0'), 'edge.yaml').mqtt.lingerMs).toBe(0);
    expect(parseEdgeConfig(withLinger('2500'), 'edge.yaml').mqtt.lingerMs).toBe(2500);
    expect(() => parseEdgeConfig(withLinger('-1'), 'edge.yaml')).toThrow(
      /edge\.yaml:5: mqtt\.lingerMs: must be >= 0/,
    );
    expect(() => parseEdgeConfig(withLinger('soon'), 'edge.yaml')).toThrow(/mqtt\.lingerMs/);
  });
});
