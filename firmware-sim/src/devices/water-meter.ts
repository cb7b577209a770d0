import type { SimDevice } from './sim-device.js';

/**
 * Walking-skeleton behaviour of a household water meter: a gentle daily pattern of draws.
 * The community model (routines of elders living alone, scenarios) replaces it later.
 */
export function stepWaterMeter(device: SimDevice, now: number, dtMs: number): void {
  const hour = new Date(now).getHours() + new Date(now).getMinutes() / 60;
  // Morning and evening peaks, in litres per minute; deterministic so tests can reason about totals.
  const flow = hour >= 6 && hour < 9 ? 6 : hour >= 18 && hour < 21 ? 4 : 0.5;
  const total = (device.get('total_litres') as number) + (flow * dtMs) / 60_000;
  device.set('flow_lpm', flow);
  device.set('total_litres', Math.floor(total));
  device.set('battery_pct', 95);
  device.set('water_temp_c', 18.5);
}
