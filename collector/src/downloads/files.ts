import { readFileSync } from 'node:fs';
import path from 'node:path';
import { releaseFileName } from '@siaga/shared';

/** Served from the packages folder besides what SHA256SUMS lists. */
const ALWAYS = ['SHA256SUMS', 'install.sh', 'mdm-install.sh', 'THIRD-PARTY-NOTICES.txt'];

const TYPES: Array<[RegExp, string]> = [
  [/\.sh$/, 'text/x-shellscript; charset=utf-8'],
  [/^SHA256SUMS$|\.txt$/, 'text/plain; charset=utf-8'],
  [/\.json$/, 'application/json; charset=utf-8'],
  [/\.msi$/, 'application/x-msi'],
  [/\.deb$/, 'application/vnd.debian.binary-package'],
];

export function contentType(name: string): string {
  return TYPES.find(([re]) => re.test(name))?.[1] ?? 'application/octet-stream';
}

/** Names listed in `<dir>/SHA256SUMS` (none when it is missing). */
export function listedFiles(dir: string): string[] {
  let text = '';
  try {
    text = readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => /^[0-9a-f]{64} [ *](\S+)$/.exec(line.trim())?.[1])
    .filter((name): name is string => name !== undefined && releaseFileName.safeParse(name).success);
}

/** Whether `/downloads/<name>` may be served from the packages folder: a plain name that is listed or always served. */
export function isServable(dir: string, name: string): boolean {
  if (!releaseFileName.safeParse(name).success) return false;
  return ALWAYS.includes(name) || listedFiles(dir).includes(name);
}
