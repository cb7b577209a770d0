import type { GatewayStats } from '../../protocols/src/index.js';
import type { Outbox } from './outbox.js';
import type { DevicePoller } from './poller.js';
import type { Publisher } from './publisher.js';

/** Percentile of a small sample (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface DeviceHealth {
  id: string;
  breaker: string;
  polls: number;
  ok: number;
  timeouts: number;
  exceptions: number;
  connectionErrors: number;
  decodeErrors: number;
  skipped: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
}

export function deviceHealth(p: DevicePoller): DeviceHealth {
  const { lateness, ...counters } = p.counters;
  return {
    id: p.device.id,
    breaker: p.breaker.state,
    ...counters,
    latenessP50Ms: percentile(lateness, 50),
    latenessP99Ms: percentile(lateness, 99),
  };
}

/** The periodic stats message (linli/v1/{gw}/stats), built from the agent's live counters. */
export function buildStats(
  gatewayId: string,
  startedAt: number,
  outbox: Outbox,
  publisher: Publisher,
  pollers: readonly DevicePoller[],
  configVersion: string | undefined,
  now = Date.now(),
): GatewayStats {
  const o = outbox.stats();
  const sum = (
    k: 'ok' | 'timeouts' | 'exceptions' | 'decodeErrors' | 'rangeErrors' | 'counterWraps' | 'counterResets',
  ) => pollers.reduce((n, p) => n + p.counters[k], 0);
  const failing = pollers.filter((p) => p.breaker.state !== 'closed').length;
  const stats: GatewayStats = {
    v: 1,
    gatewayId,
    ts: now,
    uptimeS: Math.round((now - startedAt) / 1000),
    outbox: {
      pending: o.depth,
      oldestTs: o.oldestTs,
      droppedRoutine: o.droppedRoutine,
      droppedEvents: o.droppedEvents,
      hoursLeft: o.hoursLeft,
    },
    mqtt: {
      published: publisher.stats.batchesPublished + publisher.stats.publishErrors,
      acked: publisher.stats.batchesPublished,
      reconnects: publisher.stats.reconnects,
    },
    polls: {
      ok: sum('ok'),
      timeouts: sum('timeouts'),
      exceptions: sum('exceptions'),
      decodeErrors: sum('decodeErrors'),
    },
    devices: { total: pollers.length, good: pollers.length - failing, stale: 0, commFail: failing },
    values: {
      rangeErrors: sum('rangeErrors'),
      counterWraps: sum('counterWraps'),
      counterResets: sum('counterResets'),
    },
  };
  if (configVersion) stats.configVersion = configVersion;
  return stats;
}
