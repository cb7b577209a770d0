import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripImageMetadata } from '../../../cloud/src/modules/work-orders/photo-metadata.js';
import { requireTool } from '../../helpers/require-tool.js';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir.js';
import { sqliteBackend } from '../relational/harness.js';
import { type Caller, caller, type GovHarness, ORDER, startGovHarness, user } from './harness.js';

// Real tools on both sides: libjpeg-turbo and libwebp make the images, ExifTool writes the
// metadata a phone would and then reads what is left; the decoders prove the pixels are untouched.
const run = promisify(execFile);

/** A phone's worth of revealing metadata: where, who, what camera, when. */
const PHONE_TAGS = [
  '-GPSLatitude=30.5928',
  '-GPSLatitudeRef=N',
  '-GPSLongitude=114.3055',
  '-GPSLongitudeRef=E',
  '-Make=Xiaomi',
  '-Model=Redmi Note 12',
  '-DateTimeOriginal=2026:11:20 08:00:00',
  '-XMP:Creator=张三',
];
const REVEALING = /GPS|Make|Model|DateTimeOriginal|Creator|Comment|Xiaomi|张三/;

function ppm(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) % 256;
  return Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), pixels]);
}

function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height, 90);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('photos are stored without their metadata', () => {
  const backend = sqliteBackend();
  let h: GovHarness;
  let resident: Caller;
  let orderId: string;
  let temp: TempDir;
  let dir: string;
  let exiftool: string;
  let cjpeg: string;
  let djpeg: string;
  let cwebp: string;
  let dwebp: string;

  /** What ExifTool reads in a file, as "Group:Tag" → value (numeric values, duplicates kept). */
  const readTags = async (file: string): Promise<Record<string, unknown>> => {
    const { stdout } = await run(exiftool, ['-j', '-G', '-n', '-a', file]);
    const [tags] = JSON.parse(stdout) as Array<Record<string, unknown>>;
    for (const key of Object.keys(tags!))
      if (key.startsWith('File:') || key === 'SourceFile') delete tags![key];
    return tags!;
  };
  const tag = async (file: string, ...args: string[]) =>
    run(exiftool, ['-q', '-overwrite_original', ...args, file]);
  const save = (name: string, data: Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, data);
    return file;
  };
  const upload = async (data: Buffer, type: string): Promise<Buffer> => {
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/work-orders/${orderId}/photos`,
      headers: { ...resident.headers, 'content-type': type },
      payload: data,
    });
    expect(res.statusCode, res.body).toBe(201);
    const got = await h.app.inject({
      method: 'GET',
      url: `/api/work-orders/${orderId}/photos/${res.json().id}`,
      headers: resident.headers,
    });
    expect(res.json().size).toBe(got.rawPayload.length);
    return got.rawPayload;
  };

  beforeAll(async () => {
    exiftool = await requireTool('exiftool', 'libimage-exiftool-perl');
    cjpeg = await requireTool('cjpeg', 'libjpeg-turbo-progs');
    djpeg = await requireTool('djpeg', 'libjpeg-turbo-progs');
    cwebp = await requireTool('cwebp', 'webp');
    dwebp = await requireTool('dwebp', 'webp');
    temp = makeTempDir('linli-photo-meta-');
    dir = temp.path;
    h = await startGovHarness(backend);
    resident = await user(h, 'resident');
    orderId = (await caller(h)('POST', '/api/work-orders', resident, ORDER)).json().id;
  }, 300_000);
  afterAll(async () => {
    await h?.close();
    await backend.stop();
    temp?.remove();
  });

  const phoneJpeg = async (name: string, orientation: number): Promise<string> => {
    const source = save(`${name}.ppm`, ppm(32, 16));
    const jpeg = join(dir, `${name}.jpg`);
    await run(cjpeg, ['-quality', '90', '-outfile', jpeg, source]);
    await tag(jpeg, ...PHONE_TAGS, `-Orientation#=${orientation}`, '-Comment=home of 张三');
    return jpeg;
  };

  it('JPEG: GPS, camera, time, XMP and comments gone; orientation and every pixel kept', async () => {
    const original = await phoneJpeg('phone', 6);
    const before = await readTags(original);
    expect(JSON.stringify(before)).toMatch(/GPSLatitude/); // the fixture really carries them
    expect(before['EXIF:Orientation']).toBe(6);

    const stored = save('stored.jpg', await upload(readFileSync(original), 'image/jpeg'));
    const after = await readTags(stored);
    expect(JSON.stringify(after)).not.toMatch(REVEALING);
    expect(after['EXIF:Orientation']).toBe(6);
    expect(after['JFIF:JFIFVersion']).toBeDefined();
    expect(Object.keys(after).some((k) => k.startsWith('ExifTool:Warning'))).toBe(false);

    const decode = async (file: string) => (await run(djpeg, ['-ppm', file], { encoding: 'buffer' })).stdout;
    expect((await decode(stored)).equals(await decode(original))).toBe(true);
  });

  it('JPEG: an upright photo gets no EXIF at all; a second image after EOI is dropped', async () => {
    const upright = readFileSync(await phoneJpeg('upright', 1));
    // A multi-picture phone file: a second full JPEG (with its own EXIF) after the first's EOI.
    const withTrailer = Buffer.concat([upright, upright]);
    const stripped = stripImageMetadata('image/jpeg', withTrailer);
    expect(stripped.subarray(-2).equals(Buffer.from([0xff, 0xd9]))).toBe(true);
    expect(stripped.includes(Buffer.from('Exif\0\0'))).toBe(false);
    expect(stripped.length).toBeLessThan(upright.length);
    expect(stripImageMetadata('image/jpeg', stripped).equals(stripped)).toBe(true); // idempotent
  });

  it('PNG: eXIf and text chunks gone, image chunks kept byte for byte', async () => {
    const original = save('phone.png', png(8, 4));
    await tag(original, ...PHONE_TAGS, '-PNG:Comment=home of 张三');
    expect(JSON.stringify(await readTags(original))).toMatch(/GPSLatitude/);

    const stored = save('stored.png', await upload(readFileSync(original), 'image/png'));
    const after = await readTags(stored);
    expect(JSON.stringify(after)).not.toMatch(REVEALING);
    expect(after['PNG:ImageWidth']).toBe(8);
    expect(readFileSync(stored).equals(png(8, 4))).toBe(true);
  });

  it('WebP: EXIF and XMP chunks and their VP8X flags gone; decodes to the same pixels', async () => {
    const jpeg = await phoneJpeg('for-webp', 1);
    const original = join(dir, 'phone.webp');
    await run(cwebp, ['-quiet', '-q', '80', jpeg, '-o', original]);
    await tag(original, ...PHONE_TAGS);
    const before = await readTags(original);
    expect(before['RIFF:WebP_Flags']).toBeDefined();
    expect(JSON.stringify(before)).toMatch(/GPSLatitude/);

    const stored = save('stored.webp', await upload(readFileSync(original), 'image/webp'));
    const after = await readTags(stored);
    expect(JSON.stringify(after)).not.toMatch(REVEALING);
    expect(Number(after['RIFF:WebP_Flags'] ?? 0) & 0x0c).toBe(0);

    const decode = async (file: string) => {
      const out = join(dir, `${file.replaceAll('/', '_')}.ppm`);
      await run(dwebp, ['-quiet', file, '-ppm', '-o', out]);
      return readFileSync(out);
    };
    expect((await decode(stored)).equals(await decode(original))).toBe(true);
  });

  it('refuses a container that does not parse, storing nothing', async () => {
    const photo = readFileSync(await phoneJpeg('cut', 1));
    const cut = photo.subarray(0, 40); // ends inside the EXIF segment
    const photoCount = async () =>
      (
        await h.app.inject({ method: 'GET', url: `/api/work-orders/${orderId}`, headers: resident.headers })
      ).json().photos.length as number;
    const before = await photoCount();
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/work-orders/${orderId}/photos`,
      headers: { ...resident.headers, 'content-type': 'image/jpeg', 'accept-language': 'en' },
      payload: cut,
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({
      error: 'photo_content_mismatch',
      message: 'the file content is not a image/jpeg image',
    });
    expect(await photoCount()).toBe(before);
    const pngWithoutEnd = png(2, 2).subarray(0, -12);
    expect(() => stripImageMetadata('image/png', pngWithoutEnd)).toThrow(/IEND/);
  });
});
