import { startUplink } from '../../firmware-sim/src/network/uplink.js';
import { LOOPBACK } from './ports.js';

/**
 * A TCP relay on a free loopback port in front of a service, so a test can take one client off
 * the service (cut) and let it back (mend) while other clients reach the service directly.
 * It is firmware-sim's gateway uplink (the relay a network-loss incident cuts).
 */
export interface TcpRelay {
  readonly port: number;
  /** Resets every relayed connection and refuses new ones (accepted, then reset at once). */
  cut(): void;
  /** Relays new connections again. */
  mend(): void;
  close(): Promise<void>;
}

export async function startTcpRelay(targetPort: number, targetHost = LOOPBACK): Promise<TcpRelay> {
  const uplink = await startUplink({ target: { host: targetHost, port: targetPort }, host: LOOPBACK });
  return {
    port: uplink.port,
    cut: () => uplink.cut(),
    mend: () => uplink.restore(),
    close: () => {
      uplink.cut();
      return uplink.stop();
    },
  };
}
