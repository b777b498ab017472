import iconv from 'iconv-lite';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** True when every other byte is NUL, as in UTF-16LE text without a byte order mark. */
function looksUtf16le(buf: Buffer): boolean {
  const n = Math.min(buf.length, 512) & ~1;
  if (n < 4) return false;
  let zeros = 0;
  for (let i = 1; i < n; i += 2) if (buf[i] === 0) zeros++;
  return zeros / (n / 2) > 0.6;
}

/**
 * Decodes a command's output: UTF-16LE (regedit exports, wmic redirected), UTF-8, or else the
 * given legacy code page (Windows consoles answer in their OEM code page, e.g. cp850 or cp866).
 */
export function decodeOutput(buf: Buffer, legacyEncoding = 'latin1'): string {
  let text: string;
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) text = buf.subarray(2).toString('utf16le');
  else if (looksUtf16le(buf)) text = buf.toString('utf16le');
  else {
    try {
      text = utf8.decode(buf);
    } catch {
      text = iconv.decode(buf, legacyEncoding);
    }
  }
  return text.replace(/^\uFEFF/, '');
}

/** Splits into lines, accepting CRLF and the `\r\r\n` that wmic prints. */
export const lines = (text: string): string[] => text.split(/\r*\n/);

/** Parses a number written with a dot or a decimal comma ("24,645"); undefined when it is none. */
export function parseDecimal(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(-?\d+(?:[.,]\d+)?)/.exec(raw);
  if (!m?.[1]) return undefined;
  const value = Number(m[1].replace(',', '.'));
  return Number.isFinite(value) ? value : undefined;
}

/** Parses a non-negative integer, ignoring thousands separators of any locale ("12 345 K", "12.345 K"). */
export function parseGroupedInt(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const digits = raw.replace(/[^\d]/g, '');
  return digits ? Number(digits) : undefined;
}

/**
 * Text safe for inventory and string fields: control characters removed, whitespace collapsed,
 * at most `max` UTF-16 units (the unit zod counts) without splitting a character. Empty becomes undefined.
 */
export function cleanText(raw: unknown, max = 256): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  // eslint-disable-next-line no-control-regex
  const text = String(raw).replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (!text) return undefined;
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out.trimEnd();
}
