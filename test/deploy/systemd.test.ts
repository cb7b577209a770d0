import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/require-tool.js';

const run = promisify(execFile);
const unit = fileURLToPath(new URL('../../edge/deploy/linli-edge.service', import.meta.url));
const cli = fileURLToPath(new URL('../../edge/bin/linli-edge.js', import.meta.url));

/** The node flags before the script on the unit's ExecStart line. */
function unitNodeFlags(): string[] {
  const exec = /^ExecStart=\S*node((?:\s+--\S+)*)\s/m.exec(readFileSync(unit, 'utf8'));
  return (exec?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
}

describe('edge systemd unit', () => {
  it('passes systemd-analyze verify and runs the agent with the serial group, restarting on failure', async () => {
    const bin = await requireTool('systemd-analyze', 'systemd');
    const { stderr } = await run(bin, ['verify', unit]);
    // verify prints problems on stderr; the only tolerated line is the missing "linli" user on this host.
    const problems = stderr.split('\n').filter((l) => l.trim() && !/linli/i.test(l) && !/user/i.test(l));
    expect(problems).toEqual([]);
    const text = readFileSync(unit, 'utf8');
    expect(text).toMatch(/^ExecStart=.*linli-edge\.js run --config \/etc\/linli\/edge\.yaml$/m);
    expect(text).toMatch(/^SupplementaryGroups=dialout$/m);
    expect(text).toMatch(/^Restart=always$/m);
  });

  it('the installer CLI runs node with the same V8 flags as the unit, so `linli-edge run` by hand behaves as the service', async () => {
    const flags = unitNodeFlags();
    expect(flags.length).toBeGreaterThan(0);
    const shebang = readFileSync(cli, 'utf8').split('\n')[0]!;
    expect(shebang.startsWith('#!/usr/bin/env -S node ')).toBe(true);
    expect(shebang.slice('#!/usr/bin/env -S node '.length).trim().split(/\s+/)).toEqual(flags);
    // Run through its shebang (not `node file`): node refuses a mistyped flag, env -S splits them.
    const { stdout } = await run(cli, ['--help']);
    expect(stdout).toContain('Usage: linli-edge');
  });
});
