#!/usr/bin/env node
// Builds the Windows installer dist/agent/siaga-agent-<version>-x64.msi with wixl (Debian's
// msitools): siaga-agent.exe in its version folder versions\<version>-<commit>\, the WinSW
// service wrapper and its configuration, a LocalSystem service that starts at boot, and custom
// actions that write the agent config from the MSI properties and point the junction
// versions\current at the installed version (packaging/windows/siaga-agent.wxs).
//
//   node packaging/build-msi.mjs
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildExecutables } from './build-sea.mjs';
import { CACHE, ensureDebianPackage, isMain, loadAgentModule, log, OUT, ROOT, run, sha256, winswFiles, withBuildLock, writeChecksums } from './lib/common.mjs';

const WXS = path.join(ROOT, 'packaging', 'windows', 'siaga-agent.wxs');
/** Properties the elevated part of the installation may receive from the command line. */
const SECURE_PROPERTIES = ['COLLECTOR_URL', 'ENROLL_SECRET', 'ENROLL_SECRET_FILE', 'SITE', 'GROUP', 'TAGS', 'CA_FILE', 'RELEASE_KEY', 'PURGE'];
/** Custom actions whose command line carries the enroll secret. */
const CONFIG_ACTIONS = ['WriteAgentConfig', 'RepairAgentConfig'];

export function buildMsi() {
  return withBuildLock(buildLocked);
}

async function buildLocked() {
  ensureDebianPackage('wixl', 'wixl');
  ensureDebianPackage('msibuild', 'msitools');
  const [exe] = await buildExecutables(['win-x64']);
  const { renderWinswXml } = await loadAgentModule('agent/src/service/windows.ts');
  const { AGENT_VERSION } = await loadAgentModule('agent/src/version.ts');
  const { MSI_OWNED_MARK } = await loadAgentModule('agent/src/service/layout.ts');
  // The version folder is named as the executable names itself (`<version>-<commit>`), which the
  // agent's install action and automatic updates rely on.
  const built = JSON.parse(readFileSync(path.join(OUT, 'build.json'), 'utf8'));
  const versionName = `${built.version}-${built.commit}`;
  const winsw = winswFiles();

  const stage = path.join(CACHE, 'msi', 'stage');
  const files = {
    'siaga-agent.exe': readFileSync(exe),
    'siaga-agent-service.exe': readFileSync(winsw.exe),
    'siaga-agent-service.exe.config': readFileSync(winsw.runtimeConfig),
    'siaga-agent-service.xml': Buffer.from(renderWinswXml()),
    'THIRD-PARTY-NOTICES.txt': readFileSync(path.join(OUT, 'THIRD-PARTY-NOTICES.txt')),
    [MSI_OWNED_MARK]: Buffer.from('This version of the siaga agent was installed by its MSI. Automatic updates leave this folder alone;\r\nthe MSI removes it when the agent is uninstalled (Apps & features, or msiexec /x).\r\n'),
    'siaga-agent.wxs': readFileSync(WXS),
  };
  const msi = path.join(OUT, `siaga-agent-${AGENT_VERSION}-x64.msi`);
  const stamp = path.join(OUT, `.${path.basename(msi)}.inputs`);
  const inputs = sha256(JSON.stringify([AGENT_VERSION, versionName, Object.entries(files).map(([n, d]) => [n, sha256(d)]), sha256(readFileSync(new URL(import.meta.url)))]));
  if (existsSync(msi) && existsSync(stamp) && readFileSync(stamp, 'utf8') === inputs) {
    log(`${path.basename(msi)} is up to date`);
    return msi;
  }
  const started = Date.now();
  rmSync(stamp, { force: true });
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(path.join(stage, name), data);
  mkdirSync(OUT, { recursive: true });
  const tmp = `${msi}.tmp`;
  run('wixl', ['--arch', 'x64', '--define', `Version=${AGENT_VERSION}`, '--define', `VersionName=${versionName}`, '--output', tmp, path.join(stage, 'siaga-agent.wxs')]);
  fillWixlGaps(tmp, AGENT_VERSION);
  copyFileSync(tmp, msi);
  rmSync(tmp);
  rmSync(stage, { recursive: true, force: true });
  writeFileSync(stamp, inputs);
  writeChecksums();
  log(`built ${path.basename(msi)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return msi;
}

/** Runs one SQL statement on the MSI's database. */
const sql = (msi, query) => run('msibuild', [msi, '-q', query]);
const property = (msi, name) => run('msiinfo', ['export', msi, 'Property']).stdout.match(new RegExp(`^${name}\t(.*)$`, 'm'))?.[1] ?? '';

/** What the WiX subset wixl understands cannot say, written into its output directly. */
function fillWixlGaps(msi, version) {
  // wixl writes SecureCustomProperties itself (for its upgrade detection) and refuses a second one.
  const secure = [...new Set([...property(msi, 'SecureCustomProperties').split(';').filter(Boolean), ...SECURE_PROPERTIES])].join(';');
  sql(msi, `UPDATE \`Property\` SET \`Value\` = '${secure}' WHERE \`Property\` = 'SecureCustomProperties'`);
  // Components of an x64 package are 64-bit (msidbComponentAttributes64bit); wixl has no Win64=.
  sql(msi, 'UPDATE `Component` SET `Attributes` = 256');
  // Same-version upgrades: the upgrade range includes this version (VersionMaxInclusive), so a
  // rebuilt MSI of the same version replaces the installed one instead of installing beside it.
  // Attributes is part of the Upgrade table's key: the row is replaced, not updated.
  sql(msi, "DELETE FROM `Upgrade` WHERE `ActionProperty` = 'WIX_UPGRADE_DETECTED'");
  sql(msi, `INSERT INTO \`Upgrade\` (\`UpgradeCode\`, \`VersionMax\`, \`Attributes\`, \`ActionProperty\`) VALUES ('${property(msi, 'UpgradeCode')}', '${version}', 513, 'WIX_UPGRADE_DETECTED')`);
  // wixl ignores HideTarget: set msidbCustomActionTypeHideTarget so the command line with the
  // enroll secret never reaches a verbose MSI log.
  const actions = run('msiinfo', ['export', msi, 'CustomAction']).stdout;
  for (const action of CONFIG_ACTIONS) {
    const type = Number(actions.match(new RegExp(`^${action}\t(\\d+)\t`, 'm'))?.[1]);
    if (!type) throw new Error(`${action} custom action not found in the MSI`);
    sql(msi, `UPDATE \`CustomAction\` SET \`Type\` = ${type | 0x2000} WHERE \`Action\` = '${action}'`);
  }
}

if (isMain(import.meta.url)) process.stdout.write(`${await buildMsi()}\n`);
