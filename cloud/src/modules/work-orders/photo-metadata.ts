/**
 * Removes metadata from residents' photos before they are stored: a phone's EXIF carries the GPS
 * position of where it was taken (often the resident's home), the device and the time, and
 * suggestions with photos are public. Only the image container is rewritten — pixels are never
 * decoded or re-encoded, so quality and size are kept.
 *
 * - JPEG: drops APP1 (EXIF, XMP), APP3-APP13 and APP15 (IPTC, Photoshop, vendor notes) and COM;
 *   keeps APP0 (JFIF), APP2 ICC_PROFILE (colours), APP14 (Adobe colour transform). The EXIF
 *   orientation is kept in a minimal EXIF of its own, or phone photos would show rotated.
 * - PNG: drops tEXt, zTXt, iTXt, eXIf and tIME chunks.
 * - WebP: drops the EXIF and XMP chunks and clears their flags in VP8X.
 *
 * A container that does not parse is refused: storing it would store whatever it hides.
 */
export class UnreadableImageError extends Error {}

export function stripImageMetadata(type: string, data: Buffer): Buffer {
  if (type === 'image/jpeg') return stripJpeg(data);
  if (type === 'image/png') return stripPng(data);
  if (type === 'image/webp') return stripWebp(data);
  throw new UnreadableImageError(`no metadata stripper for ${type}`);
}

const unreadable = (why: string): never => {
  throw new UnreadableImageError(why);
};

// ---- JPEG (ITU T.81 B.1.1; EXIF 2.32 §4.5.4; ICC.1 B.4)

const SOS = 0xda;
const EOI = 0xd9;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP14 = 0xee;
const COM = 0xfe;

const keepJpegSegment = (marker: number, body: Buffer): boolean => {
  if (marker === COM) return false;
  if (marker < APP0 || marker > 0xef) return true; // tables, frame headers: the image itself
  if (marker === APP0 || marker === APP14) return true;
  if (marker === APP2) return body.subarray(0, 12).toString('latin1') === 'ICC_PROFILE\0';
  return false;
};

function stripJpeg(data: Buffer): Buffer {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) unreadable('no JPEG start of image');
  const kept: Buffer[] = [data.subarray(0, 2)];
  let orientation = 1;
  let pos = 2;
  for (;;) {
    if (pos >= data.length || data[pos] !== 0xff) return unreadable(`JPEG segment expected at ${pos}`);
    while (data[pos + 1] === 0xff) pos++; // fill bytes before a marker (T.81 B.1.1.2)
    const marker = data[pos + 1];
    if (marker === undefined) return unreadable('JPEG ends inside a marker');
    if (marker === EOI) {
      // Anything after EOI (a phone's second "multi-picture" image with its own EXIF, vendor
      // trailers) is not part of this image and is dropped.
      kept.push(data.subarray(pos, pos + 2));
      break;
    }
    if (pos + 4 > data.length) return unreadable('JPEG ends inside a segment header');
    const length = data.readUInt16BE(pos + 2);
    const end = pos + 2 + length;
    if (length < 2 || end > data.length) return unreadable(`JPEG segment at ${pos} runs past the end`);
    const body = data.subarray(pos + 4, end);
    if (marker === APP1) orientation = exifOrientation(body) ?? orientation;
    if (keepJpegSegment(marker, body)) kept.push(data.subarray(pos, end));
    pos = end;
    if (marker === SOS) {
      const scanEnd = endOfEntropyCodedData(data, pos);
      kept.push(data.subarray(pos, scanEnd));
      pos = scanEnd;
    }
  }
  if (orientation !== 1) kept.splice(afterApp0(kept), 0, orientationOnlyExif(orientation));
  return Buffer.concat(kept);
}

/** Where a scan's data ends: the first marker that is not a stuffed 0xFF00 or a restart RSTn. */
function endOfEntropyCodedData(data: Buffer, from: number): number {
  for (let i = data.indexOf(0xff, from); i !== -1; i = data.indexOf(0xff, i + 1)) {
    const next = data[i + 1];
    if (next === undefined) break;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) continue;
    return i;
  }
  return unreadable('JPEG scan data has no end of image');
}

/** Index after SOI and a JFIF APP0, where EXIF belongs (EXIF 2.32 §4.5.4 allows either order). */
const afterApp0 = (segments: Buffer[]): number => (segments[1]?.[1] === APP0 ? 2 : 1);

/** The Orientation tag (0x0112) of IFD0 in an APP1 "Exif\0\0" body, if it has one. */
function exifOrientation(body: Buffer): number | undefined {
  if (body.subarray(0, 6).toString('latin1') !== 'Exif\0\0') return undefined;
  const tiff = body.subarray(6);
  if (tiff.length < 8) return undefined;
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const at = ifd + 2 + i * 12;
    if (at + 12 > tiff.length) return undefined;
    if (u16(at) === 0x0112 && u16(at + 2) === 3) {
      const value = u16(at + 8);
      return value >= 1 && value <= 8 ? value : undefined;
    }
  }
  return undefined;
}

/** APP1 with a big-endian TIFF header and one IFD0 entry: Orientation, SHORT, count 1. */
function orientationOnlyExif(orientation: number): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8);
  tiff.writeUInt16BE(0x0112, 10);
  tiff.writeUInt16BE(3, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18); // value left-justified in the 4-byte field
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, APP1, 0, 0]);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([header, body]);
}

// ---- PNG (PNG 3rd edition §5.3, §11.3)

const PNG_DROPPED = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME']);

function stripPng(data: Buffer): Buffer {
  const kept: Buffer[] = [data.subarray(0, 8)];
  let pos = 8;
  for (;;) {
    if (pos + 12 > data.length) return unreadable('PNG ends without IEND');
    const length = data.readUInt32BE(pos);
    const type = data.toString('latin1', pos + 4, pos + 8);
    const end = pos + 12 + length;
    if (end > data.length) return unreadable(`PNG chunk ${type} runs past the end`);
    if (!PNG_DROPPED.has(type)) kept.push(data.subarray(pos, end));
    pos = end;
    if (type === 'IEND') return Buffer.concat(kept);
  }
}

// ---- WebP (RFC 9649 §2.7)

const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function stripWebp(data: Buffer): Buffer {
  const riffEnd = 8 + data.readUInt32LE(4);
  if (riffEnd > data.length) unreadable('WebP RIFF size runs past the end');
  const kept: Buffer[] = [];
  let pos = 12;
  while (pos < riffEnd) {
    if (pos + 8 > riffEnd) return unreadable('WebP ends inside a chunk header');
    const fourcc = data.toString('latin1', pos, pos + 4);
    const size = data.readUInt32LE(pos + 4);
    const end = pos + 8 + size + (size % 2); // chunks are padded to an even size
    if (end > riffEnd) return unreadable(`WebP chunk ${fourcc} runs past the end`);
    if (fourcc === 'VP8X') {
      const chunk = Buffer.from(data.subarray(pos, end));
      chunk[8] = chunk[8]! & ~(VP8X_EXIF | VP8X_XMP);
      kept.push(chunk);
    } else if (fourcc !== 'EXIF' && fourcc !== 'XMP ') {
      kept.push(data.subarray(pos, end));
    }
    pos = end;
  }
  const header = Buffer.from(data.subarray(0, 12));
  header.writeUInt32LE(4 + kept.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([header, ...kept]);
}
