/**
 * What bench:edge and bench:edge-polling share: an edge config for N simulated water meters spread
 * over Modbus TCP endpoints (bench/support/sims.ts), and a CPU profile of the measured window only.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { EdgeConfig } from '../../edge/src/config.js';

/** The command-line options both benches take (node:util parseArgs). */
export const meterFleetOptions = {
  devices: { type: 'string', default: '1000' },
  interval: { type: 'string', default: '1000' },
  seconds: { type: 'string', default: '20' },
  /** Seconds of polling before the measured window (connections, JIT compilation, SQLite cache). */
  warmup: { type: 'string', default: '3' },
  /** Transactions in flight per endpoint (the bus's maxConcurrent; firmware-sim answers pipelined requests in order). */
  inflight: { type: 'string', default: '64' },
  /** Poll-time grid, ms (see edge/src/poll-scheduler.ts); default the agent's. */
  grid: { type: 'string' },
  /** Writes a CPU profile of the measured window only (open it in Chrome DevTools). */
  'cpu-prof': { type: 'string' },
  /** Profiler sampling interval, µs (V8's default, 1000, leaves a few hundred samples of an agent this idle). */
  'cpu-prof-interval': { type: 'string', default: '100' },
} as const;

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
