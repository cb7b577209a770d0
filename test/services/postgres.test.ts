import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresHandle, startPostgres } from '../helpers/postgres.js';

describe('startPostgres (real PostgreSQL)', () => {
  let postgres: PostgresHandle;
  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(async () => {
    await postgres?.stop();
  });

  it('runs CREATE TABLE / INSERT / SELECT in a new database, data survives restart()', async () => {
    expect(postgres.connectionString).toBe(`postgres://postgres@127.0.0.1:${postgres.port}/postgres`);
    const connectionString = await postgres.createDatabase('linli_smoke');
    const select = async () => {
      const client = new pg.Client({ connectionString });
      await client.connect();
      try {
        const { rows } = await client.query<{ unit: string; kwh: string }>(
          'SELECT unit, kwh FROM readings ORDER BY unit',
        );
        return rows;
      } finally {
        await client.end();
      }
    };

    const client = new pg.Client({ connectionString });
    await client.connect();
    await client.query('CREATE TABLE readings (unit text PRIMARY KEY, kwh numeric NOT NULL)');
    await client.query('INSERT INTO readings VALUES ($1, $2), ($3, $4)', ['1-101', 12.5, '1-102', 3.25]);
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    expect(rows[0]?.db).toBe('linli_smoke');
    await client.end();

    expect(await select()).toEqual([
      { unit: '1-101', kwh: '12.5' },
      { unit: '1-102', kwh: '3.25' },
    ]);
    await postgres.restart();
    expect(await select()).toEqual([
      { unit: '1-101', kwh: '12.5' },
      { unit: '1-102', kwh: '3.25' },
    ]);
  });

  it('listens on 127.0.0.1 only and refuses connections after kill()', async () => {
    await postgres.kill();
    const client = new pg.Client({
      connectionString: postgres.connectionString,
      connectionTimeoutMillis: 2_000,
    });
    await expect(client.connect()).rejects.toThrow();
    await postgres.restart();
    const again = new pg.Client({ connectionString: postgres.connectionString });
    await again.connect();
    const { rows } = await again.query<{ addr: string }>('SELECT inet_server_addr()::text AS addr');
    expect(rows[0]?.addr).toBe('127.0.0.1/32');
    await again.end();
  });
});
