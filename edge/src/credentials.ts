import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Static, Type } from 'typebox';
import { createParser, ID_PATTERN } from '../../protocols/src/index.js';

/** What provisioning hands a gateway once: its id and MQTT credentials. */
export const GatewayCredentials = Type.Object({
  gatewayId: Type.String({ pattern: ID_PATTERN }),
  mqtt: Type.Object({
    url: Type.Optional(Type.String()),
    username: Type.String({ minLength: 1 }),
    password: Type.String({ minLength: 1 }),
  }),
});
export type GatewayCredentials = Static<typeof GatewayCredentials>;
export const credentialsParser = createParser(GatewayCredentials, 'gateway credentials');

/** Written atomically with mode 0600: the password must not be readable by other users. */
export function saveCredentials(path: string, creds: GatewayCredentials): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function loadCredentials(path: string): GatewayCredentials {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read credentials ${path}: ${(err as Error).message} (run: linli-edge provision --cloud URL --code CODE)`,
    );
  }
  return credentialsParser.parse(JSON.parse(text));
}
