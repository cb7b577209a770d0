import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MosquittoHandle, startMosquitto } from '../helpers/mosquitto.js';

async function roundTrip(url: string, options: mqtt.IClientOptions, topic: string, payload: string) {
  const client = await mqtt.connectAsync(url, { ...options, reconnectPeriod: 0 });
  try {
    const received = new Promise<string>((resolve) => {
      client.on('message', (t, message) => {
        if (t === topic) resolve(message.toString());
      });
    });
    await client.subscribeAsync(topic, { qos: 1 });
    await client.publishAsync(topic, payload, { qos: 1 });
    return await received;
  } finally {
    await client.endAsync();
  }
}

describe('startMosquitto (real broker)', () => {
  describe('anonymous', () => {
    let broker: MosquittoHandle;
    beforeAll(async () => {
      broker = await startMosquitto();
    });
    afterAll(async () => {
      await broker?.stop();
    });

    it('publishes and receives a QoS 1 message', async () => {
      expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
      expect(await roundTrip(broker.url, {}, 'linli/smoke', 'hello 邻里')).toBe('hello 邻里');
    });

    it('keeps retained messages across restart() on the same port', async () => {
      const publisher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
      await publisher.publishAsync('linli/retained', 'kept', { qos: 1, retain: true });
      await publisher.endAsync();
      await broker.restart();
      const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
      const message = new Promise<string>((resolve) =>
        client.on('message', (_t, m) => resolve(m.toString())),
      );
      await client.subscribeAsync('linli/retained', { qos: 1 });
      expect(await message).toBe('kept');
      await client.endAsync();
    });

    it('refuses connections after kill()', async () => {
      await broker.kill();
      await expect(
        mqtt.connectAsync(broker.url, { reconnectPeriod: 0, connectTimeout: 2_000 }),
      ).rejects.toThrow();
      await broker.restart();
      expect(await roundTrip(broker.url, {}, 'linli/back', 'up')).toBe('up');
    });
  });

  describe('with passwords and ACL', () => {
    let broker: MosquittoHandle;
    beforeAll(async () => {
      broker = await startMosquitto({
        passwords: { gateway: 's3cret', viewer: 'look' },
        acl: 'user gateway\ntopic readwrite linli/#\n\nuser viewer\ntopic read linli/#\n',
      });
    });
    afterAll(async () => {
      await broker?.stop();
    });

    it('accepts the right password', async () => {
      expect(await roundTrip(broker.url, { username: 'gateway', password: 's3cret' }, 'linli/a', 'ok')).toBe(
        'ok',
      );
    });

    it('refuses a wrong password and anonymous clients', async () => {
      await expect(
        mqtt.connectAsync(broker.url, { username: 'gateway', password: 'wrong', reconnectPeriod: 0 }),
      ).rejects.toThrow(/Not authorized|Bad username or password/i);
      await expect(mqtt.connectAsync(broker.url, { reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
    });

    it('applies the ACL: a read-only user cannot publish', async () => {
      const viewer = await mqtt.connectAsync(broker.url, {
        username: 'viewer',
        password: 'look',
        reconnectPeriod: 0,
        protocolVersion: 5, // MQTT 5 reports the PUBACK reason code (135 = not authorized)
      });
      const gateway = await mqtt.connectAsync(broker.url, {
        username: 'gateway',
        password: 's3cret',
        reconnectPeriod: 0,
      });
      const seen: string[] = [];
      gateway.on('message', (_t, m) => seen.push(m.toString()));
      await gateway.subscribeAsync('linli/acl', { qos: 1 });
      await expect(viewer.publishAsync('linli/acl', 'forbidden', { qos: 1 })).rejects.toThrow();
      await gateway.publishAsync('linli/acl', 'allowed', { qos: 1 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toEqual(['allowed']);
      await viewer.endAsync();
      await gateway.endAsync();
    });
  });
});
