import type { ManagedChild } from './child.js';

export const DEFAULT_START_TIMEOUT_MS = 20_000;

export interface WaitOptions {
  /** What we are waiting for, used in the error message. */
  what: string;
  /** Fail fast (with its output) if this child exits while we wait. */
  child?: ManagedChild;
  timeoutMs?: number;
  intervalMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns true. Throws with the child's last output lines on timeout or
 * when the child dies, because "timed out" alone never explains why a service did not start.
 */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  options: WaitOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    if (options.child?.exitStatus !== undefined) {
      throw new Error(
        `${options.what}: ${options.child.name} exited (${options.child.exitStatus}) before it was ready; ` +
          `last output:\n${options.child.tail()}`,
      );
    }
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      const detail = lastError ? ` (last check error: ${lastError})` : '';
      const output = options.child ? `; last output of ${options.child.name}:\n${options.child.tail()}` : '';
      throw new Error(`${options.what}: not ready after ${timeoutMs} ms${detail}${output}`);
    }
    await sleep(options.intervalMs ?? 100);
  }
}
