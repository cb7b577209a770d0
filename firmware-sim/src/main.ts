import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { startSimulator } from './simulator.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

const program = new Command('linli-sim')
  .description('Simulates a community of Modbus devices for Linli')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'Modbus TCP port (0 = any free port)', positiveInt, 1502)
  .option('--meters <n>', 'number of water meters', positiveInt, 4)
  .option('--speed <n>', 'simulated seconds per real second', positiveInt, 1)
  .parse();

const opts = program.opts<{ host: string; port: number; meters: number; speed: number }>();
const logger = pino({ name: 'firmware-sim' });
const sim = await startSimulator({
  host: opts.host,
  port: opts.port,
  waterMeters: opts.meters,
  speed: opts.speed,
  logger,
});
const shutdown = async () => {
  await sim.stop();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
