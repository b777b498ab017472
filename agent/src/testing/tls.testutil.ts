import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestPki {
  dir: string;
  caFile: string;
  ca: string;
  /** Issues a server certificate from the test CA; `expired` dates it in the past. */
  issue(name: string, options: { san: string; expired?: boolean }): { cert: string; key: string };
  remove(): void;
}

/** True where the openssl command line tool exists (it issues the certificates). */
export const HAVE_OPENSSL = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A throw-away certificate authority in a temporary directory (openssl CLI, no network). */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-pki-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '30', '-subj', '/CN=siaga test CA');
  writeFileSync(file('index.txt'), '');
  writeFileSync(file('serial'), '1000\n');
  writeFileSync(
    file('ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `database = ${file('index.txt')}`,
      `new_certs_dir = ${dir}`,
      `serial = ${file('serial')}`,
      'default_md = sha256',
      'policy = any',
      'copy_extensions = copy',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
    ].join('\n'),
  );
  return {
    dir,
    caFile: file('ca.pem'),
    ca: readFileSync(file('ca.pem'), 'utf8'),
    issue(name, options) {
      openssl('req', ...ecKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${name}`, '-addext', `subjectAltName=${options.san}`);
      const dates = options.expired ? ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z'] : ['-days', '20'];
      openssl('ca', '-batch', '-notext', '-config', file('ca.cnf'), '-cert', file('ca.pem'), '-keyfile', file('ca.key'), '-in', file(`${name}.csr`), '-out', file(`${name}.pem`), ...dates);
      return { cert: readFileSync(file(`${name}.pem`), 'utf8'), key: readFileSync(file(`${name}.key`), 'utf8') };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
