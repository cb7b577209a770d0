import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onProcessExit } from './cleanup.js';

export interface TempDir {
  readonly path: string;
  /** Deletes the folder and everything in it (idempotent). */
  remove(): void;
}

export interface TempDirOptions {
  /** chown the folder to this uid/gid (services that drop root privileges must own their dir). */
  owner?: { uid: number; gid: number };
  /** Parent folder; defaults to os.tmpdir(). */
  parent?: string;
}

/** Creates a fresh folder for one service instance; it is deleted on remove() or at process exit. */
export function makeTempDir(prefix: string, options: TempDirOptions = {}): TempDir {
  const path = mkdtempSync(join(options.parent ?? tmpdir(), `linli-${prefix}-`));
  if (options.owner) chownSync(path, options.owner.uid, options.owner.gid);
  const remove = (): void => {
    rmSync(path, { recursive: true, force: true });
  };
  const unregister = onProcessExit(remove);
  return {
    path,
    remove: () => {
      unregister();
      remove();
    },
  };
}
