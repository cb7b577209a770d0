import type { ManagedChild } from './child.js';
import type { TempDir } from './temp-dir.js';
import { type WaitOptions, waitUntil } from './wait.js';

// Shared lifecycle for daemons that tests may take down and bring back (outage simulation):
// the process can go away while its temp folder (data, config) and port stay reserved.

export interface ServiceControl {
  /** Stops the process (SIGTERM-like, then SIGKILL) and deletes its temp folder. Idempotent. */
  stop(): Promise<void>;
  /** Graceful stop if running, then start again on the SAME port(s) with the SAME data. */
  restart(): Promise<void>;
  /** Crash simulation: SIGKILL, keep the data folder; bring it back with restart(). */
  kill(): Promise<void>;
  /** Outage simulation: graceful stop (the daemon saves its state), keep the data folder; bring it back with restart(). */
  halt(): Promise<void>;
}

/** Waits until `check` passes; if it never does, stops the child so no half-started daemon stays. */
export async function waitReady(
  child: ManagedChild,
  check: () => Promise<boolean> | boolean,
  options: Omit<WaitOptions, 'child'>,
): Promise<ManagedChild> {
  try {
    await waitUntil(check, { ...options, child });
    return child;
  } catch (err) {
    await child.stop('SIGKILL');
    throw err;
  }
}

export function serviceControl(options: {
  /** Starts the process and resolves once it answers (see waitReady). */
  launch: () => Promise<ManagedChild>;
  first: ManagedChild;
  dir: TempDir;
  /** Signal for a graceful stop (PostgreSQL wants SIGINT for a "fast" shutdown). */
  stopSignal?: NodeJS.Signals;
}): ServiceControl {
  let child = options.first;
  let stopped = false;
  const signal = options.stopSignal ?? 'SIGTERM';
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      await child.stop(signal);
      options.dir.remove();
    },
    async restart() {
      if (stopped) throw new Error(`${child.name}: restart() after stop()`);
      await child.stop(signal);
      child = await options.launch();
    },
    async kill() {
      await child.stop('SIGKILL');
    },
    async halt() {
      await child.stop(signal);
    },
  };
}
