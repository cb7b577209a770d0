import type { Clock } from '../clock.js';
import type { Incident } from '../scenarios/incidents.js';
import type { Uplink } from './uplink.js';

/** Whether a gateway's uplink is down at `now` under the run's `gateway_network_loss` incidents. */
export const networkLostAt = (incidents: readonly Incident[], gateway: string, now: number): boolean =>
  incidents.some(
    (i) => i.kind === 'gateway_network_loss' && i.gateway === gateway && now >= i.start && now < i.end,
  );

/**
 * Makes a gateway's uplink follow the scenario's network-loss incidents on the simulation clock
 * (which may run faster than real time), checking every `checkMs` of real time.
 */
export function followNetworkLoss(options: {
  incidents: readonly Incident[];
  gateway: string;
  clock: Clock;
  uplink: Uplink;
  checkMs?: number;
}): { stop(): void } {
  const relevant = options.incidents.filter(
    (i) => i.kind === 'gateway_network_loss' && i.gateway === options.gateway,
  );
  const check = () => {
    if (networkLostAt(relevant, options.gateway, options.clock.now())) options.uplink.cut();
    else options.uplink.restore();
  };
  check();
  const timer = setInterval(check, options.checkMs ?? 250);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
