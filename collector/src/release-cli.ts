import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ErrorCode, SiagaError } from '@siaga/shared';
import { loadCollectorConfig } from './config.js';
import { createLogger } from './log.js';
import { ReleaseCatalog } from './releases/catalog.js';
import { DEFAULT_PACKAGES_DIR } from './releases/config.js';
import { generateReleaseKey, readPrivateKey, signRelease } from './releases/signing.js';

export const RELEASE_USAGE = `  siaga-collector release keygen --out <file>
                                          new release key: private key to <file> (mode 0600), public key printed
  siaga-collector release sign --key <file> [--from <dir>] [--to <dir>] [--version V --commit C]
                                          sign a build (default ${path.relative(process.cwd(), DEFAULT_PACKAGES_DIR) || '.'}) into <to>/releases/<version>/
  siaga-collector release list [--config <file> | --dir <dir>]
                                          signed releases in the packages folder
`;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const stdio: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Writes a file only its owner can read (0600), through a temporary name. */
function writePrivateFile(file: string, data: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** Version and commit of the build in `dir`, as packaging/build-sea.mjs records them in build.json. */
function buildInfo(dir: string): { version?: string; commit?: string } {
  const file = path.join(dir, 'build.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { version?: string; commit?: string };
  } catch (err) {
    throw new SiagaError(ErrorCode.releaseInvalid, `${file}: ${(err as Error).message}`);
  }
}

/** `siaga-collector release keygen|sign|list`. */
export async function releaseCommand(argv: string[], io: Io = stdio): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      key: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      version: { type: 'string' },
      commit: { type: 'string' },
      config: { type: 'string', short: 'c' },
      dir: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const action = positionals[0];
  if (action === 'keygen' && values.out) {
    if (existsSync(values.out) && !values.force) {
      io.err(`${values.out} exists: a new key would leave every agent that trusts the old one without updates (--force replaces it)\n`);
      return 1;
    }
    const { privatePem, publicKey } = generateReleaseKey();
    writePrivateFile(values.out, privatePem);
    io.out(`private key: ${path.resolve(values.out)} (keep it off the collector and out of backups anyone can read)\npublic key:  ${publicKey}\n  agents:    siaga-agent install … --release-key ${publicKey}\n  collector: updates.publicKey: ${publicKey}\n`);
    return 0;
  }
  if (action === 'sign' && values.key) {
    const from = path.resolve(values.from ?? DEFAULT_PACKAGES_DIR);
    const info = buildInfo(from);
    const version = values.version ?? info.version;
    const commit = values.commit ?? info.commit;
    if (!version || !commit) {
      io.err(`${from}: no build.json naming version and commit: pass --version and --commit\n`);
      return 2;
    }
    const { dir, manifest } = await signRelease({ key: readPrivateKey(values.key), from, to: path.resolve(values.to ?? from), version, commit });
    io.out(`signed ${manifest.version} (${manifest.commit}): ${manifest.files.length} files in ${dir}\n${manifest.files.map((f) => `  ${f.sha256}  ${f.name}\n`).join('')}`);
    return 0;
  }
  if (action === 'list') {
    const dir = values.dir ?? (values.config ? loadCollectorConfig(values.config).packages.dir : DEFAULT_PACKAGES_DIR);
    const catalog = new ReleaseCatalog(dir, createLogger('silent'));
    catalog.scan();
    const lines = catalog.versions().map((v) => {
      const m = catalog.get(v)?.manifest;
      return `${v}  ${m?.commit ?? ''}  ${m?.createdAt ?? ''}  ${m?.files.map((f) => f.name).join(', ') ?? ''}\n`;
    });
    io.out(lines.length > 0 ? lines.join('') : `no signed releases in ${path.join(dir, 'releases')}\n`);
    for (const p of catalog.problems()) io.err(`left out ${p.release}: ${p.message}\n`);
    return 0;
  }
  io.err(`usage:\n${RELEASE_USAGE}`);
  return 2;
}
