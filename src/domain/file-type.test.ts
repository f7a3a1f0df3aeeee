import { describe, expect, it } from 'vitest';
import { isXlsx, MAX_ATTACHMENT_BYTES, sniffAttachmentType } from './file-type.ts';

const bytes = (...values: (number | string)[]) =>
  new Uint8Array(values.flatMap((value) => (typeof value === 'string' ? [...Buffer.from(value, 'latin1')] : [value])));

describe('attachment types by their first bytes', () => {
  it('allows at most 10 MB', () => {
    expect(MAX_ATTACHMENT_BYTES).toBe(10_485_760);
  });

  it('knows JPEG, PNG, WebP, PDF and Word .docx', () => {
    expect(sniffAttachmentType(bytes(0xff, 0xd8, 0xff, 0xe0))?.mime).toBe('image/jpeg');
    expect(sniffAttachmentType(bytes(0x89, 'PNG\r\n', 0x1a, '\n'))?.mime).toBe('image/png');
    expect(sniffAttachmentType(bytes('RIFF', 0, 0, 0, 0, 'WEBPVP8 '))?.mime).toBe('image/webp');
    expect(sniffAttachmentType(bytes('%PDF-1.7\n'))?.kind).toBe('document');
    expect(sniffAttachmentType(bytes('PK', 3, 4, '....[Content_Types].xml....word/document.xml'))?.extension).toBe(
      'docx',
    );
  });

  it('refuses anything else, whatever its name says', () => {
    expect(sniffAttachmentType(bytes('MZ', 0x90, 0))).toBeNull();
    expect(sniffAttachmentType(bytes('<html><script>'))).toBeNull();
    expect(sniffAttachmentType(bytes('PK', 3, 4, '....xl/workbook.xml'))).toBeNull();
    expect(sniffAttachmentType(bytes('GIF89a'))).toBeNull();
  });

  it('knows an .xlsx workbook', () => {
    expect(isXlsx(bytes('PK', 3, 4, '....xl/workbook.xml'))).toBe(true);
    expect(isXlsx(bytes('%PDF-1.7'))).toBe(false);
  });
});
