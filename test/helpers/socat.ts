import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnManaged } from './child.js';
import { requireTool } from './require-tool.js';
import { waitReady } from './service.js';
import { makeTempDir } from './temp-dir.js';

// A virtual null-modem cable: bytes written to one pty come out of the other. Lets a Modbus RTU
// master and slave talk "serial" without hardware.

export interface PtyPair {
  /** Symlink to the first pty (e.g. give it to the device under test). */
  readonly pathA: string;
  /** Symlink to the second pty (e.g. give it to the peer). */
  readonly pathB: string;
  /** Kills socat (the ptys disappear) and deletes the temp folder. */
  stop(): Promise<void>;
}

export async function startPtyPair(): Promise<PtyPair> {
  const socat = await requireTool('socat', 'socat');
  const dir = makeTempDir('socat');
  const pathA = join(dir.path, 'a');
  const pathB = join(dir.path, 'b');
  try {
    // raw,echo=0: a byte-transparent line (no line discipline translating \r\n or echoing back).
    const child = spawnManaged('socat', socat, [
      '-d',
      '-d',
      `pty,raw,echo=0,link=${pathA}`,
      `pty,raw,echo=0,link=${pathB}`,
    ]);
    await waitReady(
      child,
      // -d -d logs "starting data transfer loop" once both ends are open and bytes flow.
      () => existsSync(pathA) && existsSync(pathB) && child.output().includes('starting data transfer loop'),
      { what: 'socat pty pair' },
    );
    let stopped = false;
    return {
      pathA,
      pathB,
      async stop() {
        if (stopped) return;
        stopped = true;
        await child.stop();
        dir.remove();
      },
    };
  } catch (err) {
    dir.remove();
    throw err;
  }
}
