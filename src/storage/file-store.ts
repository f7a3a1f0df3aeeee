import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where uploaded files live. Keys are chosen by the application (`assets/<org>/<asset>/<id>.<ext>`), never by the
 * uploader. The local directory is the default; an S3-compatible store implements the same four calls.
 */
export interface FileStore {
  put(key: string, content: Buffer, contentType: string): Promise<void>;
  /** The content, or null when the key holds nothing. */
  read(key: string): Promise<Readable | null>;
  /** Removes the file; removing a missing file is not an error. */
  remove(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

const SAFE_KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*(\.[a-z0-9]+)?$/;

/** Files under a directory (STORAGE_DIR), written to a temporary name first so a reader never sees half a file. */
export class LocalFileStore implements FileStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!SAFE_KEY.test(key)) throw new Error(`不安全的文件键：${key}`);
    return path.join(this.root, key);
  }

  async put(key: string, content: Buffer): Promise<void> {
    const target = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomUUID()}.part`;
    await fs.promises.writeFile(temporary, content, { mode: 0o640 });
    await fs.promises.rename(temporary, target);
  }

  async read(key: string): Promise<Readable | null> {
    const target = this.pathOf(key);
    if (!(await this.exists(key))) return null;
    return fs.createReadStream(target);
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    return fs.promises.access(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }
}

/**
 * Puts the bytes under `key`, then records them (in the caller's transaction); if recording fails the bytes are
 * removed again, so no record is ever without its file (a failed removal leaves an orphan file, never the reverse).
 */
export async function storeThenRecord<T>(
  files: FileStore,
  file: { key: string; content: Buffer; contentType: string },
  record: () => Promise<T>,
): Promise<T> {
  await files.put(file.key, file.content, file.contentType);
  try {
    return await record();
  } catch (error) {
    await files.remove(file.key).catch(() => {});
    throw error;
  }
}
