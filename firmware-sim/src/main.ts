import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { ScaledClock } from './clock.js';
import { DEMO_COMMUNITY } from './community-spec.js';
import { followNetworkLoss } from './network/network-loss.js';
import { startUplink } from './network/uplink.js';
import { type RtuLineOptions, startSimulator } from './simulator.js';

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

function startTime(value: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidArgumentError('expected a date, e.g. 2024-04-01T00:00:00+08:00');
  return t;
}

function brokerAddress(value: string): { host: string; port: number } {
  const m = /^(.+):(\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected host:port of the MQTT broker, e.g. 127.0.0.1:1883');
  return { host: m[1]!, port: Number(m[2]) };
}

/** gw-1=/dev/pts/5[@19200] */
function rtuLine(value: string, previous: RtuLineOptions[] = []): RtuLineOptions[] {
  const m = /^(?:([^=]+)=)?([^@]+)(?:@(\d+))?$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected [gateway=]path[@baud]');
  return [
    ...previous,
    { ...(m[1] ? { gateway: m[1] } : {}), path: m[2]!, ...(m[3] ? { baudRate: Number(m[3]) } : {}) },
  ];
}

const program = new Command('linli-sim')
  .description('Simulates a community of elders living alone, its bins and sensors, as Modbus devices')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option(
    '--port <port>',
    'first gateway Modbus TCP port (0 = free ports); gateway i uses port+i',
    wholeNumber,
    1502,
  )
  .option('--meters <n>', 'walking-skeleton layout: only n water meters on one bus')
  .option('--households <n>', 'households of elders living alone', wholeNumber, DEMO_COMMUNITY.households)
  .option('--env <n>', 'environmental sensors', wholeNumber, DEMO_COMMUNITY.envSensors)
  .option('--bins <n>', 'waste-bin sensors', wholeNumber, DEMO_COMMUNITY.bins)
  .option('--gateways <n>', 'gateways (buses); default: enough for the devices', wholeNumber)
  .option('--seed <n>', 'random seed (same seed, same community and incidents)', wholeNumber, 1)
  .option('--speed <n>', 'simulated seconds per real second', wholeNumber, 1)
  .option('--start <date>', 'simulated start time (default now)', startTime)
  .option('--incident-days <n>', 'generate incidents over this many days (0 = none)', wholeNumber, 0)
  .option('--incidents <file>', 'write the injected incidents (ground truth) to this JSONL file')
  .option('--inventory <file>', 'write the device inventory (gateway, unit id, model) as JSON')
  .option('--rtu <line>', 'also serve a bus as Modbus RTU: [gateway=]path[@baud] (repeatable)', rtuLine)
  .option(
    '--uplink <host:port>',
    "relay each gateway's MQTT uplink to this broker through a port gateway_network_loss incidents cut",
    brokerAddress,
  )
  .parse();

const opts = program.opts<{
  host: string;
  port: number;
  meters?: string;
  households: number;
  env: number;
  bins: number;
  gateways?: number;
  seed: number;
  speed: number;
  start?: number;
  incidentDays: number;
  incidents?: string;
  inventory?: string;
  rtu?: RtuLineOptions[];
  uplink?: { host: string; port: number };
}>();
const logger = pino({ name: 'firmware-sim' });
const sim = await startSimulator({
  host: opts.host,
  port: opts.port,
  clock: new ScaledClock(opts.speed, opts.start ?? Date.now()),
  logger,
  ...(opts.meters !== undefined
    ? { waterMeters: wholeNumber(opts.meters) }
    : {
        community: {
          seed: opts.seed,
          households: opts.households,
          envSensors: opts.env,
          bins: opts.bins,
          ...(opts.gateways ? { gateways: opts.gateways } : {}),
          ...(opts.incidentDays > 0 ? { incidents: { generate: { days: opts.incidentDays } } } : {}),
        },
      }),
  ...(opts.rtu ? { rtu: opts.rtu } : {}),
  ...(opts.incidents ? { incidentsFile: opts.incidents } : {}),
});
if (opts.inventory) writeFileSync(opts.inventory, JSON.stringify(sim.community.inventory, null, 2));
// Each gateway's edge agent points its MQTT URL at its uplink port instead of the broker.
const uplinks = await Promise.all(
  [...sim.ports.keys()].map(async (gateway) => {
    if (!opts.uplink) return undefined;
    const uplink = await startUplink({
      target: opts.uplink,
      host: opts.host,
      logger: logger.child({ gateway }),
    });
    const follower = followNetworkLoss({
      incidents: sim.community.incidents,
      gateway,
      clock: sim.clock,
      uplink,
    });
    logger.info({ gateway, uplink: `mqtt://${uplink.host}:${uplink.port}` }, 'gateway uplink');
    return { uplink, follower };
  }),
);
const shutdown = async () => {
  for (const u of uplinks) u?.follower.stop();
  await Promise.all(uplinks.map((u) => u?.uplink.stop()));
  await sim.stop();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
