import { describe, expect, it } from 'vitest';
import {
  gatewayMayPublish,
  gatewayMaySubscribe,
} from '../../../cloud/src/modules/provisioning/gateway-acl.js';

describe('gateway ACL policy (for the aedes hooks)', () => {
  it('lets a gateway publish only its own upstream topics', () => {
    for (const topic of [
      'linli/v1/gw-a/telemetry',
      'linli/v1/gw-a/status',
      'linli/v1/gw-a/stats',
      'linli/v1/gw-a/config/result',
      'linli/v1/gw-a/cmd/reboot/result',
    ]) {
      expect(gatewayMayPublish('gw-a', topic), topic).toBe(true);
    }
    for (const topic of [
      'linli/v1/gw-b/telemetry',
      'linli/v1/gw-a/config',
      'linli/v1/gw-a/cmd/reboot',
      'linli/v1/gw-a/other',
      'linli/v1/gw-a/#',
      'other/gw-a/telemetry',
    ]) {
      expect(gatewayMayPublish('gw-a', topic), topic).toBe(false);
    }
  });

  it('lets a gateway subscribe only to its own config and commands', () => {
    for (const filter of ['linli/v1/gw-a/config', 'linli/v1/gw-a/cmd/+', 'linli/v1/gw-a/cmd/reboot']) {
      expect(gatewayMaySubscribe('gw-a', filter), filter).toBe(true);
    }
    for (const filter of [
      'linli/v1/gw-b/config',
      'linli/v1/+/config',
      'linli/v1/gw-a/#',
      'linli/#',
      '#',
      'linli/v1/gw-a/telemetry',
      '$share/x/linli/v1/gw-a/config',
    ]) {
      expect(gatewayMaySubscribe('gw-a', filter), filter).toBe(false);
    }
  });
});
