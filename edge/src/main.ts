import { Command } from 'commander';
import { pino } from 'pino';
import { startAgent } from './agent.js';
import { loadEdgeConfig } from './config.js';

const program = new Command('linli-edge')
  .description('Linli edge agent: polls Modbus devices and publishes their readings over MQTT')
  .option(
    '-c, --config <file>',
    'YAML config file',
    process.env.LINLI_EDGE_CONFIG ?? 'edge/config/example.yaml',
  )
  .parse();

const logger = pino({ name: 'linli-edge', level: process.env.LOG_LEVEL ?? 'info' });
let config: ReturnType<typeof loadEdgeConfig>;
try {
  config = loadEdgeConfig(program.opts<{ config: string }>().config);
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
const agent = startAgent(config, logger);
const shutdown = async () => {
  await agent.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
