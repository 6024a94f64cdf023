/**
 * The charset a body names itself when the Content-Type names none: a byte
 * order mark, an HTML `<meta charset>` / `<meta http-equiv="Content-Type"
 * content="…; charset=…">` in its first 1024 bytes (the HTML prescan's
 * window), or an XML declaration's `encoding`. Undefined: it names none.
 */
export function sniffCharset(body: Buffer, contentType: string | undefined): string | undefined {
  return (
    bomCharset(body) ??
    xmlDeclared(body) ??
    (mayBeHtml(contentType) ? metaCharset(body) : undefined)
  );
}

function bomCharset(body: Buffer): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** `<?xml version="1.0" encoding="ISO-8859-1"?>` at the very start. */
function xmlDeclared(body: Buffer): string | undefined {
  const head = body.subarray(0, 256).toString('latin1');
  const match = /^<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return match?.[1]?.toLowerCase();
}

/** HTML, or a type that says nothing (a server that sends HTML as text/plain is rare; one that sends no type is not). */
function mayBeHtml(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === '' || type === 'text/html' || type === 'application/xhtml+xml';
}

function metaCharset(body: Buffer): string | undefined {
  // Charset names are ASCII: reading the bytes as latin1 finds them in any ASCII-compatible encoding.
  const head = body.subarray(0, 1024).toString('latin1');
  for (const meta of head.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = meta[0];
    const direct = /\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i.exec(tag);
    if (direct && !/\bcontent\s*=/i.test(tag)) return direct[1]?.toLowerCase();
    if (/\bhttp-equiv\s*=\s*["']?\s*content-type/i.test(tag)) {
      const content = /\bcontent\s*=\s*(["'])(.*?)\1/i.exec(tag)?.[2] ?? '';
      const charset = /charset\s*=\s*["']?([A-Za-z0-9._:-]+)/i.exec(content);
      if (charset) return charset[1]?.toLowerCase();
    }
  }
  return undefined;
}
