// PDFs made for the browser tests and the benchmarks.
import { deflateSync } from 'node:zlib';

/** The reader's operator bound (src/ingest/pdf/content.rs, MAX_OPERATORS). */
export const MAX_OPERATORS = 20_000_000;

/**
 * A one-page PDF whose content runs into the reader's bound on content operators: `q Q`
 * pairs, one more than the bound allows, Flate-compressed (40 KB on disk, 42 MB decoded, under
 * the 50 MB bound). The engine reads it to the bound and refuses it (`too_large`): about
 * 0.7 s in WebAssembly, far past a long task and past a short time bound.
 */
export function boundsPdf(operators = MAX_OPERATORS + 2) {
  const content = deflateSync(Buffer.from('q\nQ\n'.repeat(Math.ceil(operators / 2))), { level: 9 });
  const objects = [
    Buffer.from('<</Type /Catalog /Pages 2 0 R>>'),
    Buffer.from('<</Type /Pages /Count 1 /Kids [3 0 R]>>'),
    Buffer.from('<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources <<>>>>'),
    Buffer.concat([Buffer.from(`<</Filter /FlateDecode /Length ${content.length}>>\nstream\n`), content,
      Buffer.from('\nendstream')]),
  ];
  const parts = [Buffer.from('%PDF-1.7\n')];
  const offsets = [];
  let length = parts[0].length;
  objects.forEach((o, i) => {
    offsets.push(length);
    const part = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), o, Buffer.from('\nendobj\n')]);
    parts.push(part);
    length += part.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  parts.push(Buffer.from(`${xref}trailer\n<</Size ${objects.length + 1} /Root 1 0 R>>\nstartxref\n${length}\n%%EOF\n`));
  return Buffer.concat(parts);
}
