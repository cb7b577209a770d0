import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { onProcessExit } from './cleanup.js';

// One place that knows how to run a service binary as a child process: keep the tail of its
// output for error messages, stop it politely then forcefully, and never leave it behind.

const TAIL_LINES = 40;
const DEFAULT_GRACE_MS = 5_000;

export interface ManagedChild {
  readonly name: string;
  readonly process: ChildProcess;
  /** Exit code or signal once the child has exited, otherwise undefined. */
  readonly exitStatus: string | undefined;
  /** Resolves when the child has exited (or failed to spawn). */
  readonly exited: Promise<void>;
  /** All stdout+stderr seen so far (bounded), for readiness checks on log messages. */
  output(): string;
  /** Last lines of stdout+stderr, for error messages. */
  tail(lines?: number): string;
  /** Sends `signal`, waits up to `graceMs`, then SIGKILL; resolves once the child is gone. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface ManagedSpawnOptions extends Pick<SpawnOptions, 'cwd' | 'env' | 'uid' | 'gid'> {
  /** Keep stdin as an open pipe (children can watch it for EOF to notice that we died). */
  stdinPipe?: boolean;
}

export function spawnManaged(
  name: string,
  command: string,
  args: readonly string[],
  options: ManagedSpawnOptions = {},
): ManagedChild {
  const { stdinPipe, ...spawnOptions } = options;
  const child = spawn(command, args, {
    ...spawnOptions,
    stdio: [stdinPipe ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  let status: string | undefined;
  const append = (chunk: Buffer | string): void => {
    buffer += chunk.toString();
    // Bounded: chatty services must not grow memory during long tests.
    if (buffer.length > 64_000) buffer = buffer.slice(-32_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  // An ignored EPIPE on stdin must not crash the test process.
  child.stdin?.on('error', () => {});

  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      status = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    });
    child.once('error', (err) => {
      append(`\n[spawn error] ${err.message}\n`);
      status ??= `spawn error: ${err.message}`;
      resolve();
    });
  });

  const isRunning = (): boolean =>
    status === undefined && child.exitCode === null && child.signalCode === null;
  const unregister = onProcessExit(() => {
    if (isRunning()) child.kill('SIGKILL');
  });
  void exited.then(unregister);

  const tail = (lines = TAIL_LINES): string =>
    buffer.trimEnd().split('\n').slice(-lines).join('\n') || '(no output)';

  return {
    name,
    process: child,
    get exitStatus() {
      return status;
    },
    exited,
    output: () => buffer,
    tail,
    async stop(signal = 'SIGTERM', graceMs = DEFAULT_GRACE_MS) {
      if (!isRunning()) return exited;
      child.kill(signal);
      const timer = setTimeout(() => {
        if (isRunning()) child.kill('SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
