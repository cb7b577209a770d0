import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../cloud/src/events/event-bus.js';
import { pickLanguage } from '../../../cloud/src/i18n/language.js';
import { MESSAGES } from '../../../cloud/src/i18n/messages.js';

interface TestEvents {
  ping: { n: number };
  other: { s: string };
}

describe('event bus', () => {
  it('isolates a failing listener: it is logged, the others still run, emit resolves', async () => {
    const logged: object[] = [];
    const bus = new EventBus<TestEvents>({ error: (obj) => logged.push(obj) });
    const seen: string[] = [];
    bus.on('ping', 'throws', () => {
      throw new Error('boom');
    });
    bus.on('ping', 'rejects', async () => {
      await Promise.resolve();
      throw new Error('async boom');
    });
    bus.on('ping', 'works', async (p) => {
      seen.push(`works ${p.n}`);
    });
    bus.on('other', 'other', (p) => {
      seen.push(`other ${p.s}`);
    });
    await expect(bus.emit('ping', { n: 1 })).resolves.toBeUndefined();
    expect(seen).toEqual(['works 1']);
    expect(logged).toEqual([
      { err: new Error('boom'), event: 'ping', listener: 'throws' },
      { err: new Error('async boom'), event: 'ping', listener: 'rejects' },
    ]);
  });

  it('unsubscribes, and refuses a duplicate listener name on one event', async () => {
    const bus = new EventBus<TestEvents>({ error: () => {} });
    const seen: number[] = [];
    const off = bus.on('ping', 'a', (p) => {
      seen.push(p.n);
    });
    expect(() => bus.on('ping', 'a', () => {})).toThrow('listener a is already subscribed to ping');
    await bus.emit('ping', { n: 1 });
    off();
    await bus.emit('ping', { n: 2 });
    expect(seen).toEqual([1]);
    expect(bus.listenerCount('ping')).toBe(0);
  });
});

describe('refusal languages', () => {
  it('picks zh-CN or en from Accept-Language by q-value, defaulting to zh-CN', () => {
    expect(pickLanguage(undefined)).toBe('zh-CN');
    expect(pickLanguage('en')).toBe('en');
    expect(pickLanguage('en-GB,en;q=0.8')).toBe('en');
    expect(pickLanguage('zh-TW,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(pickLanguage('fr-FR,en;q=0.5,zh;q=0.9')).toBe('zh-CN');
    expect(pickLanguage('fr-FR,en;q=0.5')).toBe('en');
    expect(pickLanguage('de,fr')).toBe('zh-CN');
    expect(pickLanguage('en;q=0,zh;q=0.1')).toBe('zh-CN');
  });

  it('has a zh-CN and an en message for every code, and they differ', () => {
    for (const [code, entry] of Object.entries(MESSAGES)) {
      const params = {
        id: 'x',
        fields: ['a'],
        current: 'reported',
        allowed: [],
        action: 'cancel',
        balance: 1,
        cost: 2,
      };
      const zh = entry['zh-CN'](params);
      const en = entry.en(params);
      expect(zh.length, code).toBeGreaterThan(0);
      expect(en.length, code).toBeGreaterThan(0);
      expect(zh, code).not.toBe(en);
      expect(zh, code).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
