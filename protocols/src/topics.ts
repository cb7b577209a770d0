/**
 * Every MQTT topic Linli uses is built and parsed here and nowhere else.
 * The gateway id is always a topic level (never only in the payload) so brokers can enforce
 * per-gateway ACLs: a gateway may publish only under linli/v1/{its id}/...
 */
export const TOPIC_ROOT = 'linli';
export const TOPIC_VERSION = 'v1';

/** Ids used as topic levels: no MQTT wildcards or separators, bounded length. */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$';
const idRegex = new RegExp(ID_PATTERN);

export type GatewayChannel = 'telemetry' | 'status' | 'stats' | 'config' | 'config/result';

export function isValidId(id: string): boolean {
  return idRegex.test(id);
}

function assertId(id: string, what: string): void {
  if (!isValidId(id)) throw new Error(`invalid ${what} "${id}": use letters, digits, _ . : - (max 64)`);
}

function gatewayTopic(gatewayId: string, suffix: string): string {
  assertId(gatewayId, 'gateway id');
  return `${TOPIC_ROOT}/${TOPIC_VERSION}/${gatewayId}/${suffix}`;
}

export const topics = {
  telemetry: (gatewayId: string) => gatewayTopic(gatewayId, 'telemetry'),
  status: (gatewayId: string) => gatewayTopic(gatewayId, 'status'),
  stats: (gatewayId: string) => gatewayTopic(gatewayId, 'stats'),
  config: (gatewayId: string) => gatewayTopic(gatewayId, 'config'),
  configResult: (gatewayId: string) => gatewayTopic(gatewayId, 'config/result'),
  command: (gatewayId: string, op: string) => {
    assertId(op, 'command');
    return gatewayTopic(gatewayId, `cmd/${op}`);
  },
  commandResult: (gatewayId: string, op: string) => {
    assertId(op, 'command');
    return gatewayTopic(gatewayId, `cmd/${op}/result`);
  },
  /** Subscription filters for the cloud. `group` makes it a shared subscription (load split). */
  allTelemetry: (group?: string) => shared(group, `${TOPIC_ROOT}/${TOPIC_VERSION}/+/telemetry`),
  allStatus: (group?: string) => shared(group, `${TOPIC_ROOT}/${TOPIC_VERSION}/+/status`),
  allStats: (group?: string) => shared(group, `${TOPIC_ROOT}/${TOPIC_VERSION}/+/stats`),
  allCommandResults: (group?: string) => shared(group, `${TOPIC_ROOT}/${TOPIC_VERSION}/+/cmd/+/result`),
  allConfigResults: (group?: string) => shared(group, `${TOPIC_ROOT}/${TOPIC_VERSION}/+/config/result`),
  /** Everything one gateway may publish to, and subscribe to (for ACLs). */
  gatewayPublishPattern: (gatewayId: string) => gatewayTopic(gatewayId, '#'),
  gatewaySubscribePatterns: (gatewayId: string) => [
    gatewayTopic(gatewayId, 'config'),
    gatewayTopic(gatewayId, 'cmd/+'),
  ],
} as const;

function shared(group: string | undefined, filter: string): string {
  return group ? `$share/${group}/${filter}` : filter;
}

export type ParsedTopic =
  | { gatewayId: string; kind: 'telemetry' | 'status' | 'stats' | 'config' | 'config/result' }
  | { gatewayId: string; kind: 'command' | 'command-result'; op: string };

/** Parses a concrete topic; returns undefined for anything that is not a Linli v1 topic. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== TOPIC_ROOT || parts[1] !== TOPIC_VERSION) return undefined;
  const gatewayId = parts[2];
  if (gatewayId === undefined || !isValidId(gatewayId)) return undefined;
  const rest = parts.slice(3);
  const [a, b, c] = rest;
  if (rest.length === 1 && (a === 'telemetry' || a === 'status' || a === 'stats' || a === 'config')) {
    return { gatewayId, kind: a };
  }
  if (rest.length === 2 && a === 'config' && b === 'result') return { gatewayId, kind: 'config/result' };
  if (a === 'cmd' && b !== undefined && isValidId(b)) {
    if (rest.length === 2) return { gatewayId, kind: 'command', op: b };
    if (rest.length === 3 && c === 'result') return { gatewayId, kind: 'command-result', op: b };
  }
  return undefined;
}
