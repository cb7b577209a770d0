import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

// Integration tests need real Debian packages. A missing one is either installed on the spot
// (root on Debian: CI containers, dev VMs) or reported in one clear line. Never skip silently.

let aptListsUpdated = false;

// Daemons live in /usr/sbin (mosquitto), which is not on a normal user's PATH.
const EXTRA_DIRS = ['/usr/sbin', '/sbin'];

/** Absolute path of `binary` (a name looked up in PATH then /usr/sbin, or an absolute path). */
export function findTool(binary: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  const candidates = isAbsolute(binary) ? [binary] : dirs.map((dir) => join(dir, binary));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next PATH entry
    }
  }
  return undefined;
}

function canAutoInstall(): boolean {
  return process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.once('error', (err) => resolve({ code: -1, output: err.message }));
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

// Two vitest workers may install at once: wait for the dpkg lock instead of failing on it.
const APT_OPTIONS = ['-o', 'DPkg::Lock::Timeout=300', '-y', '--no-install-recommends'];

async function aptInstall(debianPackage: string): Promise<string> {
  let result = await run('apt-get', ['install', ...APT_OPTIONS, debianPackage]);
  if (result.code !== 0 && !aptListsUpdated) {
    // Fresh containers ship without package lists ("Unable to locate package"): update once, retry.
    aptListsUpdated = true;
    await run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update']);
    result = await run('apt-get', ['install', ...APT_OPTIONS, debianPackage]);
  }
  return result.code === 0 ? '' : (result.output.trim().split('\n').pop() ?? 'unknown error');
}

function missingMessage(what: string, debianPackage: string, installError?: string): string {
  const base = `missing ${what}: install Debian package ${debianPackage} (apt-get install ${debianPackage})`;
  return installError ? `${base}; automatic install failed: ${installError}` : base;
}

/**
 * Ensures something provided by `debianPackage` is present (`isPresent`), installing the package
 * when possible; otherwise throws "missing <what>: install Debian package <pkg> (...)".
 */
export async function requireDebianPackage(
  what: string,
  debianPackage: string,
  isPresent: () => boolean | Promise<boolean>,
): Promise<void> {
  if (await isPresent()) return;
  if (!canAutoInstall()) throw new Error(missingMessage(what, debianPackage));
  const installError = await aptInstall(debianPackage);
  if (installError || !(await isPresent())) {
    throw new Error(
      missingMessage(what, debianPackage, installError || 'package installed but still missing'),
    );
  }
}

/** Returns the absolute path of `binary`, installing `debianPackage` first if needed (see above). */
export async function requireTool(binary: string, debianPackage: string): Promise<string> {
  await requireDebianPackage(binary, debianPackage, () => findTool(binary) !== undefined);
  const path = findTool(binary);
  if (!path) throw new Error(missingMessage(binary, debianPackage));
  return path;
}
