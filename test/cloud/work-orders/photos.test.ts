import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend } from '../relational/harness.js';
import { type Caller, caller, type GovHarness, ORDER, startGovHarness, user } from './harness.js';

// Containers that parse (uploads are rewritten without metadata, see photo-metadata.test.ts);
// the pixel data is filler.
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from([0, 0, 0, 100]),
  Buffer.from('IDAT'),
  Buffer.alloc(100, 7),
  Buffer.alloc(4),
  Buffer.from([0, 0, 0, 0]),
  Buffer.from('IEND'),
  Buffer.alloc(4),
]);
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08]),
  Buffer.alloc(6, 0),
  Buffer.alloc(100, 1),
  Buffer.from([0xff, 0xd9]),
]);

describe('随手拍 photo uploads', () => {
  const backend = sqliteBackend();
  let h: GovHarness;
  let resident: Caller;
  let stranger: Caller;
  let orderId: string;

  beforeAll(async () => {
    h = await startGovHarness(backend);
    resident = await user(h, 'resident');
    stranger = await user(h, 'resident');
    orderId = (await caller(h)('POST', '/api/work-orders', resident, ORDER)).json().id;
  });
  afterAll(async () => {
    await h?.close();
    await backend.stop();
  });

  const upload = (who: Caller, body: Buffer | string, type: string, lang = 'zh-CN') =>
    h.app.inject({
      method: 'POST',
      url: `/api/work-orders/${orderId}/photos`,
      headers: { ...who.headers, 'content-type': type, 'accept-language': lang },
      payload: body,
    });

  it('stores a photo under DATA_DIR and serves it back to those who can see the order', async () => {
    const res = await upload(resident, PNG, 'image/png');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({
      id: expect.any(String),
      contentType: 'image/png',
      size: PNG.length,
      uploadedBy: resident.id,
      createdAt: h.clock.now(),
    });
    const files = readdirSync(join(h.dataDir, 'work-order-photos', orderId));
    expect(files).toEqual([`${res.json().id}.png`]);
    expect(readFileSync(join(h.dataDir, 'work-order-photos', orderId, files[0]!)).equals(PNG)).toBe(true);

    const got = await h.app.inject({
      method: 'GET',
      url: `/api/work-orders/${orderId}/photos/${res.json().id}`,
      headers: resident.headers,
    });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.rawPayload.equals(PNG)).toBe(true);
    const detail = await h.app.inject({
      method: 'GET',
      url: `/api/work-orders/${orderId}`,
      headers: resident.headers,
    });
    expect(detail.json().photos.map((p: { id: string }) => p.id)).toEqual([res.json().id]);
    const peek = await h.app.inject({
      method: 'GET',
      url: `/api/work-orders/${orderId}/photos/${res.json().id}`,
      headers: stranger.headers,
    });
    expect(peek.statusCode).toBe(404);
  });

  it('refuses other types, disguised files, oversize and too many photos, with clear messages', async () => {
    const gif = await upload(resident, Buffer.from('GIF89a....'), 'image/gif');
    expect(gif.statusCode).toBe(415);
    expect(gif.json()).toEqual({
      error: 'photo_type_unsupported',
      message: '不支持的图片类型 image/gif，仅支持：image/jpeg、image/png、image/webp',
    });
    const disguised = await upload(resident, Buffer.from('#!/bin/sh\nrm -rf /\n'), 'image/jpeg', 'en');
    expect(disguised.statusCode).toBe(415);
    expect(disguised.json().message).toBe('the file content is not a image/jpeg image');
    const big = await upload(resident, Buffer.concat([JPEG, Buffer.alloc(5 * 1024 * 1024)]), 'image/jpeg');
    expect(big.statusCode).toBe(413);
    expect(big.json()).toEqual({ error: 'photo_too_large', message: '图片过大，单张不能超过 5 MB' });
    const json = await h.app.inject({
      method: 'POST',
      url: `/api/work-orders/${orderId}/photos`,
      headers: { ...resident.headers, 'accept-language': 'en' },
      payload: { photo: 'base64?' },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json().error).toBe('photo_type_unsupported');

    for (let i = 1; i < 9; i++) expect((await upload(resident, JPEG, 'image/jpeg')).statusCode).toBe(201);
    const tenth = await upload(resident, JPEG, 'image/jpeg', 'en');
    expect(tenth.statusCode).toBe(409);
    expect(tenth.json()).toEqual({ error: 'photo_limit', message: 'at most 9 photos per work order' });
    expect(readdirSync(join(h.dataDir, 'work-order-photos', orderId))).toHaveLength(9);
    expect(existsSync(join(h.dataDir, 'work-order-photos', 'nope'))).toBe(false);
  });
});
