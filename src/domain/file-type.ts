// What a file really is, from its first bytes (the name and the browser's content type can lie).

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

export interface SniffedType {
  mime: string;
  extension: string;
  kind: 'photo' | 'document';
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[], offset = 0) =>
  bytes.length >= offset + prefix.length && prefix.every((byte, i) => bytes[offset + i] === byte);

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

/** A ZIP archive holding an entry whose name starts with `entryPrefix` (entry names are stored in clear). */
function isZipWith(bytes: Uint8Array, entryPrefix: string): boolean {
  if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return false;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(entryPrefix, 0, 'latin1');
}

/** Photos (JPEG, PNG, WebP) and documents (PDF, Word .docx) accepted as asset attachments; null for anything else. */
export function sniffAttachmentType(bytes: Uint8Array): SniffedType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', extension: 'jpg', kind: 'photo' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return { mime: 'image/png', extension: 'png', kind: 'photo' };
  }
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) {
    return { mime: 'image/webp', extension: 'webp', kind: 'photo' };
  }
  if (startsWith(bytes, ascii('%PDF-'))) return { mime: 'application/pdf', extension: 'pdf', kind: 'document' };
  if (isZipWith(bytes, 'word/')) {
    return {
      mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      extension: 'docx',
      kind: 'document',
    };
  }
  return null;
}

/** An Excel .xlsx workbook (a ZIP with an xl/ folder). */
export function isXlsx(bytes: Uint8Array): boolean {
  return isZipWith(bytes, 'xl/');
}
