import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Starts a TypeScript helper process and resolves with its first stdout line. */
export function startChild(
  script: string,
  args: string[],
): Promise<{ child: ChildProcess; firstLine: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (firstLine) => resolve({ child, firstLine }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

export function machine() {
  // os.cpus() is the machine the figures are read against (ARCHITECTURE.md §7).
  return import('node:os').then((os) => ({
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
  }));
}
