import type { Logger } from 'pino';
import { loadProfiles } from '../../protocols/src/index.js';
import { type Clock, ScaledClock } from './clock.js';
import { Community } from './community.js';
import type { CommunitySpec } from './community-spec.js';
import { ModbusRtuServer } from './modbus/rtu-server.js';
import { ModbusTcpServer } from './modbus/tcp-server.js';
import { writeIncidents } from './scenarios/incidents.js';

export interface RtuLineOptions {
  /** Gateway whose bus this line carries; default the first. */
  gateway?: string;
  path: string;
  baudRate?: number;
}

export interface SimulatorOptions {
  host?: string;
  /** The first gateway's Modbus TCP port (0 picks a free port); further gateways use port+i, or free ports with 0. */
  port: number;
  /** Walking-skeleton layout: this many water meters on one bus. Ignored when `community` is given. */
  waterMeters?: number;
  community?: CommunitySpec;
  /** Also serve gateways' buses as Modbus RTU on serial paths (a pty pair end, /dev/ttyUSB0). */
  rtu?: RtuLineOptions[];
  /** Where to write the injected incidents (ground truth, JSONL). */
  incidentsFile?: string;
  clock?: Clock;
  speed?: number;
  profileDirs?: string[];
  logger?: Logger;
}

export interface RunningSimulator {
  host: string;
  /** The first gateway's port. */
  port: number;
  /** Modbus TCP port of each gateway's bus. */
  ports: Map<string, number>;
  community: Community;
  server: ModbusTcpServer;
  servers: ModbusTcpServer[];
  rtuServers: ModbusRtuServer[];
  clock: Clock;
  stop(): Promise<void>;
}

/** Composition of the simulator: profiles + community + one Modbus TCP server per gateway (+ RTU lines). */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? new ScaledClock(options.speed ?? 1);
  const profiles = loadProfiles(options.profileDirs);
  const community = new Community({
    profiles,
    clock,
    ...(options.waterMeters !== undefined ? { waterMeters: options.waterMeters } : {}),
    ...(options.community ? { spec: options.community } : {}),
  });
  if (options.incidentsFile) writeIncidents(options.incidentsFile, community.incidents);
  const servers: ModbusTcpServer[] = [];
  const rtuServers: ModbusRtuServer[] = [];
  const ports = new Map<string, number>();
  const stop = async () => {
    await Promise.all([...servers.map((s) => s.stop()), ...rtuServers.map((s) => s.stop())]);
  };
  try {
    for (const [i, gw] of community.gateways.entries()) {
      const server = new ModbusTcpServer({
        host,
        port: options.port === 0 ? 0 : options.port + i,
        handle: gw.handle,
      });
      servers.push(server);
      ports.set(gw.id, await server.start());
    }
    for (const line of options.rtu ?? []) {
      const gw = community.gateways.find((g) => g.id === (line.gateway ?? community.gateways[0]?.id));
      if (!gw) throw new Error(`no gateway "${line.gateway}" for RTU line ${line.path}`);
      const server = new ModbusRtuServer({
        path: line.path,
        baudRate: line.baudRate ?? 19_200,
        handle: gw.handle,
      });
      await server.start();
      rtuServers.push(server);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const port = ports.get(community.gateways[0]?.id ?? '') ?? 0;
  options.logger?.info(
    {
      host,
      ports: Object.fromEntries(ports),
      devices: community.byId.size,
      incidents: community.incidents.length,
    },
    'firmware-sim serving Modbus TCP',
  );
  return { host, port, ports, community, server: servers[0]!, servers, rtuServers, clock, stop };
}
