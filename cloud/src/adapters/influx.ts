import http from 'node:http';
import https from 'node:https';
import type { FieldValue } from '../../../protocols/src/index.js';
import type {
  AggregatePoint,
  AggregateQuery,
  EncodedTelemetry,
  ReadingQuery,
  StoredReading,
  TimeseriesStore,
} from '../ports/timeseries-store.js';
import { readingLinesUtf8 } from './influx-line.js';
import { encodeTelemetryLines } from './telemetry-lines.js';
import { WriteCoalescer } from './write-coalescer.js';

export interface InfluxOptions {
  url: string;
  database: string;
  /** InfluxDB 2.x/3.x v1-compat token (sent as `Authorization: Token …`). */
  token?: string;
  username?: string;
  password?: string;
  timeoutMs?: number;
  measurement?: string;
}

export class InfluxError extends Error {
  override name = 'InfluxError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Reserved field names start with "_" — profile field names cannot (they match ^[a-z]). */
const META = new Set(['time', 'device', '_gateway', '_seq', '_quality']);

interface InfluxSeries {
  columns: string[];
  values: unknown[][];
  tags?: Record<string, string>;
}
interface InfluxQueryResponse {
  results?: Array<{ series?: InfluxSeries[]; error?: string }>;
  error?: string;
}

/**
 * Timeseries store over InfluxDB's v1-compatible HTTP API (/write line protocol, /query InfluxQL),
 * which InfluxDB 1.x, 2.x and 3.x all serve. One measurement; `device` is the only tag, so a point's
 * identity is (device, time) and a redelivered reading overwrites itself.
 */
export class InfluxTimeseriesStore implements TimeseriesStore {
  readonly name = 'influxdb';
  private readonly measurement: string;
  /** The measurement as written in line protocol. */
  private readonly lineMeasurement: string;

  private readonly coalescer: WriteCoalescer;
  /** Keeps the connections of /write open between requests. */
  private readonly writeAgent: http.Agent;

  constructor(private readonly options: InfluxOptions) {
    this.measurement = options.measurement ?? 'readings';
    this.lineMeasurement = escapeMeasurementOnce(this.measurement);
    this.writeAgent = options.url.startsWith('https:')
      ? new https.Agent({ keepAlive: true })
      : new http.Agent({ keepAlive: true });
    this.coalescer = new WriteCoalescer({
      maxLines: 10_000,
      maxInFlight: 4,
      send: (body) => this.send(body),
    });
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = {};
    if (this.options.token) h.authorization = `Token ${this.options.token}`;
    else if (this.options.username)
      h.authorization = `Basic ${Buffer.from(`${this.options.username}:${this.options.password ?? ''}`).toString('base64')}`;
    return h;
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(new URL(path, this.options.url), {
        ...init,
        headers: { ...this.headers(), ...(init.headers as Record<string, string>) },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new InfluxError(`InfluxDB unreachable at ${this.options.url}: ${(err as Error).message}`);
    }
  }

  async ensureDatabase(): Promise<void> {
    await this.influxql(`CREATE DATABASE "${this.options.database.replace(/"/g, '')}"`, 'POST');
  }

  async write(readings: readonly StoredReading[]): Promise<void> {
    if (readings.length === 0) return;
    const measurement = escapeMeasurementOnce(this.measurement);
    await this.coalescer.write(readingLinesUtf8(measurement, readings), readings.length);
  }

  encodeTelemetry(payload: Buffer, gatewayId: string): EncodedTelemetry | undefined {
    return encodeTelemetryLines(payload, gatewayId, this.lineMeasurement);
  }

  async writeEncoded(batch: EncodedTelemetry): Promise<void> {
    if (batch.count === 0) return;
    await this.coalescer.write(batch.lines, batch.count);
  }

  /**
   * POST /write over node:http with keep-alive rather than fetch: the body goes to the socket as it
   * is (fetch copies it into a web stream), which matters at 10,000 lines per request.
   */
  private send(body: Buffer): Promise<void> {
    const url = new URL(
      `/write?${new URLSearchParams({ db: this.options.database, precision: 'ms' })}`,
      this.options.url,
    );
    const agent = this.writeAgent;
    return new Promise<void>((resolve, reject) => {
      const fail = (err: Error) =>
        reject(new InfluxError(`InfluxDB unreachable at ${this.options.url}: ${err.message}`));
      const req = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method: 'POST',
          agent,
          headers: { ...this.headers(), 'content-length': body.length },
          timeout: this.options.timeoutMs ?? 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', fail);
          res.on('end', () => {
            if (res.statusCode === 204) return resolve();
            const text = Buffer.concat(chunks).toString('utf8');
            reject(new InfluxError(`InfluxDB write failed (${res.statusCode}): ${text}`, res.statusCode));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('write timed out')));
      req.on('error', fail);
      req.end(body);
    });
  }

  private async influxql(q: string, method: 'GET' | 'POST' = 'GET'): Promise<InfluxQueryResponse> {
    const params = new URLSearchParams({ db: this.options.database, epoch: 'ms', q });
    const res = await this.request(`/query?${params}`, { method });
    const json = (await res.json()) as InfluxQueryResponse;
    const error = json.error ?? json.results?.find((r) => r.error)?.error;
    if (!res.ok || error)
      throw new InfluxError(`InfluxDB query failed (${res.status}): ${error ?? 'unknown error'}`, res.status);
    return json;
  }

  async readings(q: ReadingQuery): Promise<StoredReading[]> {
    const device = quote(q.device);
    const where = [`"device" = ${device}`];
    if (q.from !== undefined) where.push(`time >= ${Math.trunc(q.from)}ms`);
    if (q.to !== undefined) where.push(`time <= ${Math.trunc(q.to)}ms`);
    const json = await this.influxql(
      `SELECT * FROM "${this.measurement}" WHERE ${where.join(' AND ')} ORDER BY time DESC LIMIT ${Math.trunc(q.limit)}`,
    );
    const series = json.results?.[0]?.series?.[0];
    return series ? toReadings(series) : [];
  }

  async aggregate(q: AggregateQuery): Promise<AggregatePoint[]> {
    const field = `"${q.field.replace(/"/g, '')}"`;
    // Day windows follow local midnight: InfluxQL's GROUP BY time() takes an offset for that.
    const offset = q.window === '1d' && q.utcOffsetHours ? `, ${-q.utcOffsetHours}h` : '';
    const json = await this.influxql(
      `SELECT ${q.fn}(${field}) AS value FROM "${this.measurement}" WHERE "device" = ${quote(q.device)} ` +
        `AND time >= ${Math.trunc(q.from)}ms AND time < ${Math.trunc(q.to)}ms GROUP BY time(${q.window}${offset}) fill(none)`,
    );
    const series = json.results?.[0]?.series?.[0];
    return (series?.values ?? []).map((row) => ({ start: Number(row[0]), value: Number(row[1]) }));
  }

  async latest(devices?: readonly string[]): Promise<StoredReading[]> {
    const where = devices ? `WHERE ${devices.map((d) => `"device" = ${quote(d)}`).join(' OR ')}` : '';
    if (devices?.length === 0) return [];
    const json = await this.influxql(
      `SELECT * FROM "${this.measurement}" ${where} GROUP BY "device" ORDER BY time DESC LIMIT 1`,
    );
    const series = json.results?.[0]?.series ?? [];
    return series
      .flatMap((s) =>
        toReadings({
          ...s,
          columns: [...s.columns, 'device'],
          values: s.values.map((v) => [...v, s.tags?.device]),
        }),
      )
      .sort((a, b) => (a.device < b.device ? -1 : 1));
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.request('/ping', { method: 'GET' })).status === 204;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.writeAgent.destroy();
  }
}

const escapeMeasurementOnce = (m: string): string => m.replace(/[, \\]/g, (c) => `\\${c}`);

/** An InfluxQL string literal. */
function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function toReadings(series: InfluxSeries): StoredReading[] {
  return series.values.map((row) => {
    const col = (name: string) => row[series.columns.indexOf(name)];
    const values: Record<string, FieldValue> = {};
    series.columns.forEach((c, i) => {
      const v = row[i];
      if (!META.has(c) && v !== null && v !== undefined) values[c] = v as FieldValue;
    });
    return {
      device: String(col('device')),
      ts: Number(col('time')),
      gatewayId: String(col('_gateway')),
      seq: Number(col('_seq')),
      quality: col('_quality') as StoredReading['quality'],
      values,
    };
  });
}
