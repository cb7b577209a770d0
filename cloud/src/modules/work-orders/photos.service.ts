import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { refuse } from '../../i18n/localized-error.js';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import type { Principal } from '../users/users.model.js';
import { stripImageMetadata, UnreadableImageError } from './photo-metadata.js';
import type { Photo } from './work-orders.model.js';
import { WorkOrdersRepository } from './work-orders.repository.js';
import type { WorkOrdersService } from './work-orders.service.js';

export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
export const PHOTOS_PER_ORDER = 9;

/** Accepted types and their magic numbers: the declared type must match the bytes. */
const SIGNATURES: Record<string, { ext: string; matches: (b: Buffer) => boolean }> = {
  'image/jpeg': { ext: 'jpg', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'image/png': {
    ext: 'png',
    matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  'image/webp': {
    ext: 'webp',
    matches: (b) =>
      b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
};
export const PHOTO_TYPES = Object.keys(SIGNATURES);

/** The photo as stored: no GPS position, camera or time (see photo-metadata.ts). */
function withoutMetadata(type: string, data: Buffer): Buffer {
  try {
    return stripImageMetadata(type, data);
  } catch (err) {
    if (err instanceof UnreadableImageError) throw refuse(415, 'photo_content_mismatch', { type });
    throw err;
  }
}

/**
 * 随手拍: photos attached to a work order, stored as files under DATA_DIR/work-order-photos
 * (one folder per order) with a row each. Anyone who can see the order may add or view them.
 */
export class PhotosService {
  private readonly orders: WorkOrdersRepository;

  constructor(
    store: RelationalStore,
    private readonly clock: Clock,
    private readonly workOrders: WorkOrdersService,
    private readonly dir: string,
    private readonly newId: () => string = randomUUID,
  ) {
    this.orders = new WorkOrdersRepository(store.db);
  }

  async add(actor: Principal, orderId: string, contentType: string, data: Buffer): Promise<Photo> {
    await this.workOrders.access.visibleRow(actor, orderId);
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    const signature = SIGNATURES[type];
    if (!signature) throw refuse(415, 'photo_type_unsupported', { type, allowed: PHOTO_TYPES });
    if (data.length === 0) throw refuse(400, 'photo_empty');
    if (data.length > PHOTO_MAX_BYTES)
      throw refuse(413, 'photo_too_large', { maxMb: PHOTO_MAX_BYTES / 2 ** 20 });
    if (!signature.matches(data)) throw refuse(415, 'photo_content_mismatch', { type });
    const image = withoutMetadata(type, data);
    if ((await this.orders.photoCount(orderId)) >= PHOTOS_PER_ORDER) {
      throw refuse(409, 'photo_limit', { max: PHOTOS_PER_ORDER });
    }
    const id = this.newId();
    const path = join(orderId, `${id}.${signature.ext}`);
    await mkdir(join(this.dir, orderId), { recursive: true });
    await writeFile(join(this.dir, path), image, { flag: 'wx' });
    const createdAt = this.clock.now();
    await this.orders.addPhoto({
      id,
      work_order_id: orderId,
      content_type: type,
      size: image.length,
      path,
      uploaded_by: actor.id,
      created_at: createdAt,
    });
    return { id, contentType: type, size: image.length, uploadedBy: actor.id, createdAt };
  }

  /** Where a photo's bytes are, for streaming. */
  async locate(
    actor: Principal,
    orderId: string,
    photoId: string,
  ): Promise<{ file: string; contentType: string }> {
    await this.workOrders.access.visibleRow(actor, orderId);
    const row = await this.orders.photo(orderId, photoId);
    if (!row) throw refuse(404, 'photo_not_found', { id: photoId });
    return { file: join(this.dir, row.path), contentType: row.content_type };
  }
}
