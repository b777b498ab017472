import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { constants, copyFileSync, createReadStream, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, RELEASE_MANIFEST_FORMAT, type ReleaseManifest, releaseFileName, releaseStatement, releaseVersion, SiagaError } from '@siaga/shared';
import { MANIFEST_FILE, RELEASES_DIR } from './catalog.js';

const fail = (message: string): never => {
  throw new SiagaError(ErrorCode.releaseInvalid, message);
};

/** The raw 32-byte Ed25519 public key, base64: what agents are configured with. */
export function publicKeyBase64(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || !jwk.x) fail('the release key is not an Ed25519 key');
  return Buffer.from(jwk.x as string, 'base64url').toString('base64');
}

/** A new release key pair: the private key as PKCS#8 PEM and the public key as agents take it. */
export function generateReleaseKey(): { privatePem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: publicKeyBase64(publicKey) };
}

export function readPrivateKey(file: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    return fail(`--key: cannot read ${file}: ${(err as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    return fail(`--key: ${file} is not a private key in PEM: ${(err as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') fail(`--key: ${file} is a ${key.asymmetricKeyType ?? 'unknown'} key; release keys are Ed25519 (siaga-collector release keygen)`);
  return key;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `<hash>  <name>` lines as sha256sum writes them. */
export function readChecksums(dir: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8');
  } catch (err) {
    return fail(`${dir}: no SHA256SUMS (${(err as Error).message}); build the packages first`);
  }
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](\S+)$/.exec(line.trim());
    if (m && releaseFileName.safeParse(m[2]).success) sums.set(m[2] as string, m[1] as string);
  }
  return sums;
}

/**
 * A copy, never a hard link: a later build that rewrites the file in place must not change a
 * signed release (a clone where the file system offers one).
 */
function placeFile(source: string, dest: string): void {
  const tmp = `${dest}.tmp-${process.pid}`;
  copyFileSync(source, tmp, constants.COPYFILE_FICLONE);
  renameSync(tmp, dest);
}

export interface SignOptions {
  key: KeyObject;
  /** The build's output: its SHA256SUMS names the files. */
  from: string;
  /** The packages folder the release goes into (`releases/<version>/`). */
  to: string;
  version: string;
  commit: string;
  now?: Date;
}

/**
 * Signs a build as a release: every file SHA256SUMS lists is checked against it, placed in
 * `<to>/releases/<version>/` and signed (Ed25519 over version, name and SHA-256); the manifest
 * is written last, so a collector never reads a release whose files are still being copied.
 */
export async function signRelease(options: SignOptions): Promise<{ dir: string; manifest: ReleaseManifest }> {
  if (!releaseVersion.safeParse(options.version).success) fail(`--version: ${options.version} is not a version like 0.2.0`);
  if (!/^[0-9a-z]{1,40}$/.test(options.commit)) fail(`--commit: ${options.commit} is not a commit id`);
  const sums = readChecksums(options.from);
  if (sums.size === 0) fail(`${path.join(options.from, 'SHA256SUMS')} lists no files`);
  const dir = path.join(options.to, RELEASES_DIR, options.version);
  mkdirSync(dir, { recursive: true });
  const files: ReleaseManifest['files'] = [];
  for (const [name, expected] of sums) {
    const source = path.join(options.from, name);
    const actual = await sha256File(source).catch((err: Error) => fail(`${source}: ${err.message}`));
    if (actual !== expected) fail(`${name}: SHA-256 is ${actual}, SHA256SUMS says ${expected}; rebuild or fix SHA256SUMS before signing`);
    const dest = path.join(dir, name);
    if (path.resolve(source) !== path.resolve(dest)) placeFile(source, dest);
    const signature = sign(null, releaseStatement(options.version, name, actual), options.key).toString('base64');
    files.push({ name, sha256: actual, size: statSync(dest).size, signature });
  }
  const manifest: ReleaseManifest = {
    format: RELEASE_MANIFEST_FORMAT,
    version: options.version,
    commit: options.commit,
    createdAt: (options.now ?? new Date()).toISOString(),
    publicKey: publicKeyBase64(createPublicKey(options.key)),
    files,
  };
  const tmp = path.join(dir, `.${MANIFEST_FILE}.tmp-${process.pid}`);
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, path.join(dir, MANIFEST_FILE));
  return { dir, manifest };
}
