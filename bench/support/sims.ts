/**
 * Bench helper process: N simulated Modbus TCP endpoints of `per` water meters each (unit ids are
 * per endpoint, 1..247), so the edge under test does not share its CPU with the devices.
 * Prints one JSON line {"ports":[...]} when listening; stops on SIGTERM.
 */
import { startSimulator } from '../../firmware-sim/src/simulator.js';

const endpoints = Number(process.argv[2] ?? 5);
const per = Number(process.argv[3] ?? 200);
const sims = await Promise.all(
  Array.from({ length: endpoints }, () => startSimulator({ port: 0, waterMeters: per })),
);
process.stdout.write(`${JSON.stringify({ ports: sims.map((s) => s.port) })}\n`);
process.once('SIGTERM', async () => {
  await Promise.all(sims.map((s) => s.stop()));
  process.exit(0);
});
