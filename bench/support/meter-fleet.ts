/**
 * What bench:edge and bench:edge-polling share: an edge config for N simulated water meters spread
 * over Modbus TCP endpoints (bench/support/sims.ts), and a CPU profile of the measured window only.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { EdgeConfig } from '../../edge/src/config.js';

/** Water meters per simulated endpoint (unit ids 1..200 of one Modbus TCP server). */
export const METERS_PER_ENDPOINT = 200;

export interface MeterFleet {
  ports: readonly number[];
  devices: number;
  intervalMs: number;
  /** Transactions in flight per endpoint (the bus's maxConcurrent). */
  inflight: number;
}

/** Buses and devices of the edge config: one TCP bus per endpoint, meters numbered wm-0.. */
export function meterFleetConfig(fleet: MeterFleet, rest: Pick<EdgeConfig, 'mqtt' | 'outbox'>): EdgeConfig {
  return {
    gateway: { id: 'gw-bench' },
    ...rest,
    buses: fleet.ports.map((port, i) => ({
      id: `ep${i}`,
      type: 'tcp' as const,
      host: '127.0.0.1',
      port,
      timeoutMs: 2000,
      maxConcurrent: fleet.inflight,
    })),
    devices: Array.from({ length: fleet.devices }, (_, i) => ({
      id: `wm-${i}`,
      bus: `ep${Math.floor(i / METERS_PER_ENDPOINT)}`,
      unitId: (i % METERS_PER_ENDPOINT) + 1,
      profile: 'linli-wm-100',
      pollIntervalMs: fleet.intervalMs,
    })),
  };
}

/**
 * Starts V8's sampling profiler when `file` is given; the returned stop() writes the profile
 * there (open it in Chrome DevTools). Without a file both are no-ops.
 */
export async function profileWindow(
  file: string | undefined,
  intervalUs: number,
): Promise<() => Promise<void>> {
  if (!file) return async () => undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}
