import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../harness/processes.js';

/** Release artifacts land here (packaging/lib/common.mjs OUT). */
export const ARTIFACTS = path.join(REPO_ROOT, 'dist', 'agent');

/** Generous: a first build downloads the Node.js runtimes; later builds reuse them and skip unchanged artifacts. */
export const BUILD_TIMEOUT_MS = 15 * 60_000;

/**
 * Runs one of the packaging scripts as the release process would and returns the artifact
 * paths it prints. Scripts rebuild only what changed and take turns through a lock, so test
 * files may ask for the same artifact at once.
 */
export function buildArtifacts(script: 'build-sea.mjs' | 'build-msi.mjs' | 'build-deb.mjs', args: string[] = []): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'packaging', script), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(out.trim().split('\n').filter(Boolean));
      else reject(new Error(`${script} exited with ${code}:\n${err.slice(-4000)}`));
    });
  });
}
