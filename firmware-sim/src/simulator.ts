import type { Logger } from 'pino';
import { loadProfiles } from '../../protocols/src/index.js';
import { type Clock, ScaledClock } from './clock.js';
import { Community } from './community.js';
import { ModbusTcpServer } from './modbus/tcp-server.js';

export interface SimulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  waterMeters: number;
  clock?: Clock;
  speed?: number;
  profileDirs?: string[];
  logger?: Logger;
}

export interface RunningSimulator {
  host: string;
  port: number;
  community: Community;
  server: ModbusTcpServer;
  stop(): Promise<void>;
}

/** Composition of the simulator: profiles + community + Modbus TCP server. */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? new ScaledClock(options.speed ?? 1);
  const profiles = loadProfiles(options.profileDirs);
  const community = new Community({ waterMeters: options.waterMeters, profiles, clock });
  const server = new ModbusTcpServer({ host, port: options.port, handle: community.handle });
  const port = await server.start();
  options.logger?.info({ host, port, devices: community.devices.size }, 'firmware-sim serving Modbus TCP');
  return { host, port, community, server, stop: () => server.stop() };
}
