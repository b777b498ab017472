import { lines } from '../../probes/parsers/text.js';
import type { RawSoftware } from '../types.js';

/**
 * Lists Store (UWP) packages as "KEY: value" blocks, one per package, in UTF-8. Frameworks
 * (runtime libraries) are left out. The publisher is the CN of the signing certificate.
 */
export const APPX_SCRIPT = [
  '[Console]::OutputEncoding = [Text.Encoding]::UTF8',
  'Get-AppxPackage -AllUsers | Where-Object { -not $_.IsFramework } | ForEach-Object {',
  '"NAME: $($_.Name)"',
  '"PUBLISHER: $((($_.Publisher -split \',\')[0]) -replace \'^CN=\',\'\')"',
  '"PUBID: $($_.PublisherId)"',
  '"ARCH: $($_.Architecture)"',
  '"VERSION: $($_.Version)"',
  '"FOLDER: $($_.InstallLocation)"',
  '""',
  '}',
].join('\n');

/**
 * Blocks of "KEY: value" lines separated by blank lines (the output of APPX_SCRIPT, and of
 * inventory tools that print display names, as in the recorded Russian list). Install dates are
 * printed in the machine's locale and are ambiguous (11/08/2021), so they are not used.
 */
export function parseAppxList(text: string): RawSoftware[] {
  const out: RawSoftware[] = [];
  let rec: Record<string, string> = {};
  const flush = () => {
    if (rec.NAME) {
      out.push({ name: rec.NAME, ...(rec.VERSION ? { version: rec.VERSION } : {}), ...(rec.PUBLISHER ? { publisher: rec.PUBLISHER } : {}), source: 'appx' });
    }
    rec = {};
  };
  for (const line of lines(text)) {
    if (!line.trim()) {
      flush();
      continue;
    }
    const m = /^([A-Z_]+):\s?(.*)$/.exec(line);
    if (m?.[1] && m[2]?.trim()) rec[m[1]] = m[2].trim();
  }
  flush();
  return out;
}
