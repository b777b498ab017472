// Brings a fresh machine (Node.js and npm only) to the point where siaga builds and its tests
// run: pnpm, the workspace's dependencies, the Debian packages the tests use, and the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (result.error) throw new Error(`${cmd}: ${result.error.message}`);
  if (result.status !== 0 && !options.allowFailure) throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status}`);
  return result.status;
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** pnpm 10 from npm (corepack does not reach this registry). */
export function pnpm() {
  if (has('pnpm')) return ['pnpm'];
  const status = run('npm', ['install', '--global', 'pnpm@10'], { allowFailure: true });
  if (status === 0 && has('pnpm')) return ['pnpm'];
  return ['npx', '--yes', 'pnpm@10'];
}

/** Installs the Debian packages behind commands that are missing (root only; says what to do otherwise). */
export function debianPackages(wanted) {
  const missing = Object.entries(wanted).filter(([cmd]) => !has(cmd) && !existsSync(cmd));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  if (!isRoot || !has('apt-get')) {
    console.warn(`siaga: missing ${missing.map(([c]) => c).join(', ')}; install the Debian packages ${packages.join(' ')} (tests that need them will fail)`);
    return;
  }
  console.log(`siaga: installing ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env, allowFailure: true });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env });
}

export function installAndBuild() {
  const pn = pnpm();
  run(pn[0], [...pn.slice(1), 'install', '--frozen-lockfile', '--reporter=append-only']);
  run(pn[0], [...pn.slice(1), 'run', 'build']);
  return pn;
}
