import { pino } from 'pino';
import { loadCloudConfig } from './config.js';
import { startCloud } from './server.js';

let config: ReturnType<typeof loadCloudConfig>;
try {
  config = loadCloudConfig();
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
const logger = pino({ name: 'linli-cloud', level: config.logLevel });
const cloud = await startCloud(config, logger);
const shutdown = async (signal: string) => {
  logger.info({ signal }, 'stopping');
  await cloud.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
