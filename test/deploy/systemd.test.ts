import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/require-tool.js';

const run = promisify(execFile);
const unit = fileURLToPath(new URL('../../edge/deploy/linli-edge.service', import.meta.url));

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
});
