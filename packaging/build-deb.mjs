#!/usr/bin/env node
// Builds the Debian/Ubuntu package dist/agent/siaga-agent_<version>_amd64.deb from the Linux
// single executable. The files are laid out by the executable itself (`siaga-agent install
// --root <stage> --prefix /usr`), so the package and a hand installation never differ.
//
//   node packaging/build-deb.mjs
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildExecutables } from './build-sea.mjs';
import { CACHE, ensureDebianPackage, isMain, loadAgentModule, log, OUT, ROOT, run, sha256, withBuildLock, writeChecksums } from './lib/common.mjs';

const SCRIPTS = ['postinst', 'prerm', 'postrm'];

function control(version, installedKb) {
  return `Package: siaga-agent
Version: ${version}
Architecture: amd64
Maintainer: ${process.env.SIAGA_DEB_MAINTAINER ?? 'siaga maintainers <maintainers@siaga.dev>'}
Section: admin
Priority: optional
Installed-Size: ${installedKb}
Depends: libc6 (>= 2.28)
Recommends: smartmontools, iputils-ping
Description: siaga endpoint readiness agent
 Checks this workstation (hardware, network path, required applications,
 backups) and reports whether it is ready for use to a siaga collector.
 .
 Set SIAGA_COLLECTOR_URL and SIAGA_ENROLL_SECRET (environment or
 /etc/default/siaga-agent) for an unattended installation.
`;
}

export function buildDeb() {
  return withBuildLock(buildLocked);
}

async function buildLocked() {
  ensureDebianPackage('dpkg-deb', 'dpkg');
  const [exe] = await buildExecutables(['linux-x64']);
  const { AGENT_VERSION } = await loadAgentModule('agent/src/version.ts');
  const scripts = Object.fromEntries(SCRIPTS.map((s) => [s, readFileSync(path.join(ROOT, 'packaging', 'deb', s))]));
  const deb = path.join(OUT, `siaga-agent_${AGENT_VERSION}_amd64.deb`);
  const stamp = path.join(OUT, `.${path.basename(deb)}.inputs`);
  const inputs = sha256(JSON.stringify([AGENT_VERSION, sha256(readFileSync(exe)), sha256(readFileSync(path.join(OUT, 'THIRD-PARTY-NOTICES.txt'))), Object.values(scripts).map((d) => sha256(d)), sha256(readFileSync(new URL(import.meta.url)))]));
  if (existsSync(deb) && existsSync(stamp) && readFileSync(stamp, 'utf8') === inputs) {
    log(`${path.basename(deb)} is up to date`);
    return deb;
  }
  const started = Date.now();
  rmSync(stamp, { force: true });
  const stage = path.join(CACHE, 'deb', 'stage');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  run(exe, ['install', '--root', stage, '--prefix', '/usr']);
  // Config and state are the machine's, made by postinst: dpkg must not own (or remove) them.
  rmSync(path.join(stage, 'etc'), { recursive: true, force: true });
  rmSync(path.join(stage, 'var'), { recursive: true, force: true });
  const doc = path.join(stage, 'usr', 'share', 'doc', 'siaga-agent');
  mkdirSync(doc, { recursive: true });
  copyFileSync(path.join(OUT, 'THIRD-PARTY-NOTICES.txt'), path.join(doc, 'copyright'));
  const debian = path.join(stage, 'DEBIAN');
  mkdirSync(debian);
  for (const [name, data] of Object.entries(scripts)) {
    writeFileSync(path.join(debian, name), data);
    chmodSync(path.join(debian, name), 0o755);
  }
  const installedKb = Number(run('du', ['-sk', '--exclude=DEBIAN', stage]).stdout.split('\t')[0]);
  writeFileSync(path.join(debian, 'control'), control(AGENT_VERSION, installedKb));
  const tmp = `${deb}.tmp`;
  // gzip: every dpkg reads it, and it packs the executable in seconds (xz: 30 % smaller, 10 times slower).
  run('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', stage, tmp]);
  copyFileSync(tmp, deb);
  rmSync(tmp);
  rmSync(stage, { recursive: true, force: true });
  writeFileSync(stamp, inputs);
  writeChecksums();
  log(`built ${path.basename(deb)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return deb;
}

if (isMain(import.meta.url)) process.stdout.write(`${await buildDeb()}\n`);
