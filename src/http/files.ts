import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MAX_ATTACHMENT_BYTES, type SniffedType, sniffAttachmentType } from '../domain/file-type.ts';
import { AppError } from './problem.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface UploadedFile {
  fileName: string;
  content: Buffer;
}

/** A file name safe to store and to send back: no folders, no control characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return (cleaned || 'file').slice(-200);
}

/**
 * The one file of a multipart/form-data upload (field `file`), read into memory up to `limitBytes`
 * (the @fastify/multipart plugin must be registered in the route's scope).
 */
export async function uploadedFile(request: FastifyRequest, limitBytes: number): Promise<UploadedFile> {
  if (!request.isMultipart()) throw new AppError(415, 'multipart_required');
  const limitMb = Math.round(limitBytes / 1024 / 1024);
  let part: MultipartFile | undefined;
  try {
    part = await request.file({ limits: { fileSize: limitBytes, files: 1 } });
  } catch {
    throw new AppError(400, 'multipart_required');
  }
  if (!part) throw new AppError(400, 'file_missing');
  let content: Buffer;
  try {
    content = await part.toBuffer();
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
      throw new AppError(413, 'file_too_large', { limitMb });
    throw error;
  }
  if (part.file.truncated) throw new AppError(413, 'file_too_large', { limitMb });
  if (content.length === 0) throw new AppError(400, 'file_empty');
  return { fileName: cleanFileName(part.filename), content };
}

/** `attachment; filename=…` with the UTF-8 name (RFC 6266 / 5987) and an ASCII fallback. */
export function contentDisposition(fileName: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function sendDownload(
  reply: FastifyReply,
  file: { fileName: string; contentType: string; body: Buffer | Readable; disposition?: 'attachment' | 'inline' },
) {
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', contentDisposition(file.fileName, file.disposition))
    .header('cache-control', 'no-store')
    .send(file.body);
}

/** An attachment checked by its first bytes (photo or PDF/Word, at most 10 MB), with its size and SHA-256; 413/415 otherwise. */
export function checkedAttachment(content: Buffer): { type: SniffedType; sizeBytes: number; sha256: string } {
  if (content.length > MAX_ATTACHMENT_BYTES) {
    throw new AppError(413, 'file_too_large', { limitMb: MAX_ATTACHMENT_BYTES / 1024 / 1024 });
  }
  const type = sniffAttachmentType(content);
  if (!type) throw new AppError(415, 'attachment_type');
  return { type, sizeBytes: content.length, sha256: createHash('sha256').update(content).digest('hex') };
}
