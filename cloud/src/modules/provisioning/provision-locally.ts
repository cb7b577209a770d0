import { ApiError } from '../../errors.js';
import type { RegistryModule } from '../registry/registry.module.js';

/**
 * Runs the installer flow in-process (create the gateway if new, issue a one-time code, claim it):
 * used by `npm start` for its simulated gateways and by tests, so they connect exactly as a
 * provisioned gateway does — with credentials and under the per-gateway ACL.
 */
export async function provisionLocalGateway(
  module: Pick<RegistryModule, 'registry' | 'provisioning'>,
  gatewayId: string,
): Promise<{ username: string; password: string }> {
  try {
    await module.registry.createGateway({ id: gatewayId, name: gatewayId });
  } catch (err) {
    if (!(err instanceof ApiError && err.statusCode === 409)) throw err;
  }
  const { code } = await module.provisioning.issueCode(gatewayId, null);
  const { mqtt } = await module.provisioning.claim(code);
  return { username: mqtt.username, password: mqtt.password };
}
