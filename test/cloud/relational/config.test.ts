import { describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../../cloud/src/config.js';

describe('relational store and auth settings from the environment', () => {
  it('defaults to SQLite, a generated JWT secret and no admin password', () => {
    const cfg = loadCloudConfig({});
    expect(cfg.database).toEqual({ url: undefined });
    expect(cfg.auth).toEqual({ jwtSecret: undefined, adminPassword: undefined });
    expect(cfg.publicMqttUrl).toBeUndefined();
  });

  it('reads DATABASE_URL, JWT_SECRET, LINLI_ADMIN_PASSWORD, LINLI_PUBLIC_MQTT_URL', () => {
    const cfg = loadCloudConfig({
      DATABASE_URL: 'postgres://linli:pw@db:5432/linli',
      JWT_SECRET: 'x'.repeat(32),
      LINLI_ADMIN_PASSWORD: 'change-me-now',
      LINLI_PUBLIC_MQTT_URL: 'mqtts://mqtt.example:8883',
    });
    expect(cfg.database.url).toBe('postgres://linli:pw@db:5432/linli');
    expect(cfg.auth).toEqual({ jwtSecret: 'x'.repeat(32), adminPassword: 'change-me-now' });
    expect(cfg.publicMqttUrl).toBe('mqtts://mqtt.example:8883');
  });

  it('names the variable of a bad value', () => {
    expect(() => loadCloudConfig({ DATABASE_URL: 'mysql://db/linli' })).toThrow(
      /DATABASE_URL: must match pattern/,
    );
    expect(() => loadCloudConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET: must/);
    expect(() => loadCloudConfig({ LINLI_ADMIN_PASSWORD: 'short' })).toThrow(/LINLI_ADMIN_PASSWORD: must/);
  });
});
