import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { findTool, requireDebianPackage, requireTool } from '../helpers/require-tool.js';

describe('requireTool', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('returns the absolute path of an installed binary (PATH, then /usr/sbin)', async () => {
    expect(await requireTool('socat', 'socat')).toBe('/usr/bin/socat');
    expect(findTool('mosquitto')).toBe('/usr/sbin/mosquitto');
    expect(findTool('/usr/bin/python3')).toBe('/usr/bin/python3');
    expect(findTool('linli-no-such-tool')).toBeUndefined();
  });

  it('throws one clear line when it cannot install (not root)', async () => {
    vi.spyOn(process, 'getuid').mockReturnValue(1000);
    await expect(requireTool('linli-no-such-tool', 'linli-pkg')).rejects.toThrow(
      /^missing linli-no-such-tool: install Debian package linli-pkg \(apt-get install linli-pkg\)$/,
    );
    await expect(requireDebianPackage('a thing', 'thing-pkg', () => false)).rejects.toThrow(
      'missing a thing: install Debian package thing-pkg (apt-get install thing-pkg)',
    );
  });
});

describe('freePort', () => {
  it('returns a loopback port that can be bound right away', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});
