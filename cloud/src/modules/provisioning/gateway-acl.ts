import { parseTopic, TOPIC_ROOT, topics } from '../../../../protocols/src/index.js';

/**
 * What a gateway may do on the broker, in one place for both enforcement points: aedes hooks call
 * gatewayMayPublish/gatewayMaySubscribe; the Mosquitto ACL file is rendered from gatewayAcl.
 * A gateway publishes its own telemetry, status, stats and results, and reads its own config and
 * commands. It may not publish its config or commands (those come from the cloud), nor touch
 * another gateway's topics.
 */
const PUBLISH_KINDS = new Set(['telemetry', 'status', 'stats', 'config/result', 'command-result']);

export function gatewayMayPublish(gatewayId: string, topic: string): boolean {
  const parsed = parseTopic(topic);
  return parsed !== undefined && parsed.gatewayId === gatewayId && PUBLISH_KINDS.has(parsed.kind);
}

export function gatewayMaySubscribe(gatewayId: string, filter: string): boolean {
  if (topics.gatewaySubscribePatterns(gatewayId).includes(filter)) return true;
  const parsed = parseTopic(filter);
  return (
    parsed !== undefined &&
    parsed.gatewayId === gatewayId &&
    (parsed.kind === 'config' || parsed.kind === 'command')
  );
}

/** The gateway's rights as topic filters: what the Mosquitto ACL file lists. */
export function gatewayAcl(gatewayId: string): { write: string[]; read: string[] } {
  const read = topics.gatewaySubscribePatterns(gatewayId);
  const commandFilter = read.find((f) => f.endsWith('/cmd/+'));
  if (commandFilter === undefined) throw new Error('protocols: gatewaySubscribePatterns lost cmd/+');
  return {
    write: [
      topics.telemetry(gatewayId),
      topics.status(gatewayId),
      topics.stats(gatewayId),
      topics.configResult(gatewayId),
      `${commandFilter}/result`,
    ],
    read,
  };
}

/** The cloud's own client reads and writes everything under the Linli root. */
export const INTERNAL_ACL = { readwrite: [`${TOPIC_ROOT}/#`] };
