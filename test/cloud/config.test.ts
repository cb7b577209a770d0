import { describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../cloud/src/config.js';

describe('cloud config from the environment', () => {
  it('defaults to embedded broker and SQLite', () => {
    const cfg = loadCloudConfig({});
    expect(cfg.mqtt.url).toBeUndefined();
    expect(cfg.influx).toBeUndefined();
    expect(cfg.port).toBe(8080);
  });
  it('names the variable and the reason of a bad value', () => {
    expect(() => loadCloudConfig({ PORT: 'eighty' })).toThrow(/PORT: must be integer/);
    expect(() => loadCloudConfig({ INFLUX_URL: 'localhost:8086' })).toThrow(/INFLUX_URL: must match pattern/);
    expect(() => loadCloudConfig({ MQTT_PORT: '70000' })).toThrow(/MQTT_PORT: must be <= 65535/);
  });
  it('takes the waste selection policy from WASTE_POLICY: trips by default, prize, nothing else', () => {
    expect(loadCloudConfig({}).waste.policy).toBe('trips');
    expect(loadCloudConfig({ WASTE_POLICY: 'prize' }).waste.policy).toBe('prize');
    expect(() => loadCloudConfig({ WASTE_POLICY: 'greedy' })).toThrow(
      /^invalid cloud configuration\n {2}WASTE_POLICY: must be one of trips, prize \(got 'greedy'\)$/,
    );
  });
});
