#!/usr/bin/env -S node --min-semi-space-size=16 --heap-growing-percent=50 --no-memory-reducer
// Installer CLI entry: runs the TypeScript sources through tsx (a runtime dependency), with the V8
// flags of the systemd unit (edge/deploy/linli-edge.service says why), so `linli-edge run` started
// by hand behaves as the service does; test/deploy/systemd.test.ts keeps the two the same.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
