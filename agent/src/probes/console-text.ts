import iconv from 'iconv-lite';
import type { CommandRunner } from '../exec.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a console program's output. Valid UTF-8 stays UTF-8; anything else is read in the
 * given code page (Windows console programs write in the OEM code page, e.g. 850 or 932).
 */
export function decodeConsole(bytes: Buffer, codePage?: number): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const encoding = codePage ? `cp${codePage}` : undefined;
    if (encoding && iconv.encodingExists(encoding)) return iconv.decode(bytes, encoding);
    return bytes.toString('latin1');
  }
}

let oemCodePage: Promise<number | undefined> | undefined;

/**
 * The OEM code page console programs write in, read once per process from the registry (a
 * service has no console, so `chcp` cannot tell): "    OEMCP    REG_SZ    850".
 */
export function windowsCodePage(run: CommandRunner): Promise<number | undefined> {
  oemCodePage ??= run('reg.exe', ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage', '/v', 'OEMCP']).then(
    (r) => {
      const match = /OEMCP\s+REG_SZ\s+(\d{3,5})/.exec(r.stdout.toString('latin1'));
      return r.code === 0 && match ? Number(match[1]) : undefined;
    },
    () => undefined,
  );
  return oemCodePage;
}

/** Text from the outside world made safe for a field: no control characters, bounded length. */
export function cleanText(text: string, max = 256): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, max);
}
