import { closeSync, constants, existsSync, openSync, readSync, writeSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PtyPair, startPtyPair } from '../helpers/socat.js';

describe('startPtyPair (real socat)', () => {
  let pair: PtyPair;
  beforeAll(async () => {
    pair = await startPtyPair();
  });
  afterAll(async () => {
    await pair?.stop();
  });

  it('carries raw bytes from A to B and back, unmodified', async () => {
    // Non-blocking reads: a blocking read that never returns would freeze the whole worker.
    const a = openSync(pair.pathA, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    const b = openSync(pair.pathB, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    try {
      // Bytes a tty line discipline would mangle (CR, LF, ^C, ^D, 0xff) must pass through raw.
      const sent = Buffer.from([0x01, 0x03, 0x00, 0x0d, 0x0a, 0x03, 0x04, 0xff, 0x00]);
      writeSync(a, sent);
      const received = await readExactly(b, sent.length);
      expect(received).toEqual(sent);

      writeSync(b, Buffer.from('pong'));
      expect((await readExactly(a, 4)).toString()).toBe('pong');
    } finally {
      closeSync(a);
      closeSync(b);
    }
  });

  it('removes the pty links on stop()', async () => {
    const { pathA, pathB } = pair;
    await pair.stop();
    expect(existsSync(pathA)).toBe(false);
    expect(existsSync(pathB)).toBe(false);
  });
});

async function readExactly(fd: number, length: number): Promise<Buffer> {
  const out = Buffer.alloc(length);
  let got = 0;
  const deadline = Date.now() + 5_000;
  while (got < length) {
    try {
      got += readSync(fd, out, got, length - got, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      if (Date.now() > deadline) throw new Error(`read ${got}/${length} bytes before timeout`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return out;
}
