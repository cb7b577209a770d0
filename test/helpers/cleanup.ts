// Last-resort cleanup: if a test file crashes (or never reaches its afterAll), the services it
// started must not outlive the vitest worker and keep ports, CPU and temp folders busy.
// Callbacks run synchronously because the 'exit' event allows no async work.

type SyncCleanup = () => void;

const cleanups = new Set<SyncCleanup>();
let installed = false;

function runAll(): void {
  for (const fn of [...cleanups].reverse()) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // Best effort: one failing cleanup must not prevent the others.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  // A signal does not emit 'exit'. Only take over signals nobody else handles (vitest may have
  // its own), and re-raise afterwards so the default action (terminate) still happens.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    if (process.listenerCount(signal) > 0) continue;
    const onSignal = (): void => {
      runAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** Registers a synchronous cleanup for process exit; returns a function that unregisters it. */
export function onProcessExit(fn: SyncCleanup): () => void {
  install();
  cleanups.add(fn);
  return () => {
    cleanups.delete(fn);
  };
}
