import { inflateSync } from 'node:zlib';
import { expect } from 'vitest';

/**
 * The text a PDF viewer shows, decoded the way viewers decode it: pdfkit writes glyph ids (`[<0012 0034> …] TJ`) and
 * a ToUnicode CMap (`<first> <last> [<unicode> …]` ranges) that maps them back to characters. Returns the text of
 * each TJ (one line of a text box) on its own line.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const streams: string[] = [];
  const streamPattern = /<<([\s\S]*?)>>\s*stream\r?\n/g;
  for (let match = streamPattern.exec(raw); match; match = streamPattern.exec(raw)) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    const bytes = pdf.subarray(start, end);
    streams.push(/\/FlateDecode/.test(match[1]!) ? inflateSync(bytes).toString('latin1') : bytes.toString('latin1'));
  }
  const cmaps = streams.filter((stream) => stream.includes('beginbfrange'));
  expect(cmaps, 'one embedded font with its ToUnicode CMap').toHaveLength(1);
  const glyphs = new Map<number, string>();
  for (const range of cmaps[0]!.matchAll(/<([0-9a-f]{4})> <([0-9a-f]{4})> \[([^\]]*)\]/gi)) {
    const first = Number.parseInt(range[1]!, 16);
    [...range[3]!.matchAll(/<([0-9a-f ]+)>/gi)].forEach((entry, index) => {
      const units = entry[1]!.split(' ').map((unit) => Number.parseInt(unit, 16));
      glyphs.set(first + index, String.fromCharCode(...units));
    });
  }
  const lines: string[] = [];
  for (const content of streams.filter((stream) => /\bTJ\b/.test(stream))) {
    for (const array of content.matchAll(/\[([^\]]*)\] TJ/g)) {
      let line = '';
      for (const hex of array[1]!.matchAll(/<([0-9a-f]*)>/gi)) {
        for (let at = 0; at < hex[1]!.length; at += 4) {
          line += glyphs.get(Number.parseInt(hex[1]!.slice(at, at + 4), 16)) ?? '\uFFFD';
        }
      }
      lines.push(line);
    }
  }
  return lines.join('\n');
}
