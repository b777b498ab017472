import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MSI_OWNED_MARK } from '../../agent/src/service/layout.js';
import { renderWinswXml } from '../../agent/src/service/windows.js';
import { tempDir } from '../harness/tmp.js';
import { BUILD_TIMEOUT_MS, buildArtifacts } from './build.js';

/** One MSI table as rows keyed by column name (`msiinfo export` prints names, types, key, then rows). */
function table(msi: string, name: string): Array<Record<string, string>> {
  const result = spawnSync('msiinfo', ['export', msi, name], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  const [header, , , ...rows] = result.stdout.replace(/\r/g, '').split('\n').filter(Boolean);
  const columns = (header ?? '').split('\t');
  return rows.map((row) => Object.fromEntries(row.split('\t').map((value, i) => [columns[i] as string, value])));
}

describe('Windows MSI', () => {
  const tmp = tempDir('msi');
  let msi: string;

  beforeAll(async () => {
    [msi] = (await buildArtifacts('build-msi.mjs')) as [string];
  }, BUILD_TIMEOUT_MS);
  afterAll(() => tmp.remove());

  it('installs siaga-agent as an automatic LocalSystem service that MSI starts, stops and removes', () => {
    expect(table(msi, 'ServiceInstall')).toEqual([
      expect.objectContaining({ Name: 'siaga-agent', DisplayName: 'siaga agent', ServiceType: '16', StartType: '2', ErrorControl: '1', StartName: 'LocalSystem', Component_: 'ServiceWrapper' }),
    ]);
    // 1 start on install + 2 stop on install + 32 stop on uninstall + 128 delete on uninstall.
    expect(table(msi, 'ServiceControl')).toEqual([expect.objectContaining({ Name: 'siaga-agent', Event: '163', Wait: '1' })]);
    expect(table(msi, 'Component').map((c) => [c.Component, c.Attributes])).toEqual(expect.arrayContaining([['ServiceWrapper', '256'], ['AgentExecutable', '256']]));
  });

  it('takes its settings from properties that reach the elevated installation, and hides the secret', () => {
    const properties = Object.fromEntries(table(msi, 'Property').map((p) => [p.Property, p.Value]));
    expect(properties.SecureCustomProperties?.split(';')).toEqual(expect.arrayContaining(['COLLECTOR_URL', 'ENROLL_SECRET', 'ENROLL_SECRET_FILE', 'SITE', 'GROUP', 'TAGS', 'CA_FILE', 'RELEASE_KEY', 'PURGE', 'WIX_UPGRADE_DETECTED']));
    expect(properties.MsiHiddenProperties).toBe('ENROLL_SECRET');
    expect(properties.ALLUSERS).toBe('1');

    const actions = Object.fromEntries(table(msi, 'CustomAction').map((a) => [a.Action, a]));
    const options = '--collector "[COLLECTOR_URL]" --enroll-secret "[ENROLL_SECRET]" --enroll-secret-file "[ENROLL_SECRET_FILE]" --site "[SITE]" --group "[GROUP]" --tags "[TAGS]" --ca-file "[CA_FILE]" --release-key "[RELEASE_KEY]"';
    expect(actions.WriteAgentConfig?.Target).toBe(`install --from-msi ${options}`);
    // A repair keeps the junction where an automatic update may have moved it.
    expect(actions.RepairAgentConfig?.Target).toBe(`install --from-msi --keep-current ${options}`);
    for (const action of [actions.WriteAgentConfig, actions.RepairAgentConfig]) {
      expect(action?.Source).toBe('AgentExe');
      // The Target column holds at most 255 characters.
      expect(action?.Target?.length).toBeLessThanOrEqual(255);
      const type = Number(action?.Type);
      // exe from an installed file (18) | deferred (0x400) | not impersonated (0x800) | hidden target (0x2000).
      expect(type & 0x3f).toBe(18);
      expect(type & 0x400).toBe(0x400);
      expect(type & 0x800).toBe(0x800);
      expect(type & 0x2000).toBe(0x2000);
    }

    // A rebuilt MSI of the same version upgrades (VersionMaxInclusive | MigrateFeatures); a newer one is a downgrade.
    const upgrades = Object.fromEntries(table(msi, 'Upgrade').map((u) => [u.ActionProperty, u]));
    expect(upgrades.WIX_UPGRADE_DETECTED).toMatchObject({ VersionMax: properties.ProductVersion, Attributes: '513' });
    expect(upgrades.WIX_DOWNGRADE_DETECTED).toMatchObject({ VersionMin: properties.ProductVersion, Attributes: '2' });

    const conditions = table(msi, 'LaunchCondition').map((c) => c.Condition);
    expect(conditions).toContain('Installed OR WIX_UPGRADE_DETECTED OR (COLLECTOR_URL AND (ENROLL_SECRET OR ENROLL_SECRET_FILE))');
  });

  it('writes the config after the service exists and before it starts, and removes it before the files go', () => {
    const sequence = Object.fromEntries(table(msi, 'InstallExecuteSequence').map((r) => [r.Action, { at: Number(r.Sequence), condition: r.Condition }]));
    const at = (action: string) => sequence[action]?.at ?? Number.NaN;
    for (const action of ['WriteAgentConfig', 'RepairAgentConfig']) {
      expect(at('InstallServices')).toBeLessThan(at(action));
      expect(at(action)).toBeLessThan(at('StartServices'));
    }
    // A first installation or an upgrade (a new product code) points the junction at its version; a repair does not.
    expect(sequence.WriteAgentConfig?.condition).toBe('NOT Installed AND NOT REMOVE');
    expect(sequence.RepairAgentConfig?.condition).toBe('Installed AND NOT REMOVE');
    expect(at('InstallInitialize')).toBeLessThan(at('RemoveExistingProducts'));
    expect(at('RemoveExistingProducts')).toBeLessThan(at('InstallFiles'));
    for (const action of ['RemoveAgentConfig', 'PurgeAgentData']) {
      expect(at('StopServices')).toBeLessThan(at(action));
      expect(at(action)).toBeLessThan(at('RemoveFiles'));
      expect(sequence[action]?.condition).toMatch(/^REMOVE="ALL" AND NOT UPGRADINGPRODUCTCODE/);
    }
  });

  /** The version folder's name: `<version>-<commit>`, as the executable names itself. */
  const versionFolder = () => table(msi, 'Directory').find((d) => d.Directory === 'VERSIONDIR')?.DefaultDir ?? '';

  it('installs the executable into its version folder, marked as the MSI\'s, beside the service wrapper', () => {
    const version = table(msi, 'Property').find((p) => p.Property === 'ProductVersion')?.Value;
    expect(versionFolder()).toMatch(new RegExp(`^${version?.replace(/\./g, '\\.')}-[0-9a-z]+$`));
    const directories = Object.fromEntries(table(msi, 'Directory').map((d) => [d.Directory, d]));
    expect(directories.VERSIONDIR).toMatchObject({ Directory_Parent: 'VERSIONSDIR' });
    expect(directories.VERSIONSDIR).toMatchObject({ Directory_Parent: 'INSTALLDIR', DefaultDir: 'versions' });
    expect(directories.INSTALLDIR).toMatchObject({ Directory_Parent: 'ProgramFiles64Folder', DefaultDir: 'siaga' });
    const components = Object.fromEntries(table(msi, 'Component').map((c) => [c.Component, c]));
    expect(components.AgentExecutable).toMatchObject({ Directory_: 'VERSIONDIR', KeyPath: 'AgentExe' });
    expect(components.ServiceWrapper).toMatchObject({ Directory_: 'INSTALLDIR', KeyPath: 'WrapperExe' });
    const files = table(msi, 'File').map((f) => [f.Component_, f.FileName]);
    expect(files).toEqual(expect.arrayContaining([['AgentExecutable', 'siaga-agent.exe'], ['AgentExecutable', MSI_OWNED_MARK], ['ServiceWrapper', 'siaga-agent-service.xml']]));
  });

  it('ships the agent executable with its SEA blob and a WinSW configuration that runs it through the junction', () => {
    const out = path.join(tmp.dir, 'files');
    const extract = spawnSync('msiextract', ['-C', out, msi], { encoding: 'utf8' });
    expect(extract.status, extract.stderr).toBe(0);
    // msiextract leaves out the ProgramFiles64Folder level: INSTALLDIR is `siaga`.
    const dir = path.join(out, 'siaga');
    const versionDir = path.join(dir, 'versions', versionFolder());
    const exe = readFileSync(path.join(versionDir, 'siaga-agent.exe'));
    // The folder is named after the commit the executable was built from (a string in its bundle).
    expect(exe.includes(`"${versionFolder().replace(/^.*-/, '')}"`)).toBe(true);
    expect(readFileSync(path.join(versionDir, MSI_OWNED_MARK), 'utf8')).toMatch(/installed by its MSI/);
    expect(exe.subarray(0, 2).toString('latin1')).toBe('MZ');
    // postject flips the fuse when it injects the blob; an uninjected node.exe has it at :0.
    expect(exe.includes('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1')).toBe(true);
    expect(exe.equals(readFileSync(path.join(path.dirname(msi), 'siaga-agent-win-x64.exe')))).toBe(true);

    // The same WinSW configuration `siaga-agent install` writes (its content is checked in managers.test.ts):
    // it starts %BASE%\versions\current\siaga-agent.exe, %BASE% being the wrapper's folder.
    const xml = readFileSync(path.join(dir, 'siaga-agent-service.xml'), 'utf8');
    expect(xml).toBe(renderWinswXml());
    expect(xml).toContain('<executable>%BASE%\\versions\\current\\siaga-agent.exe</executable>');
    expect(readFileSync(path.join(dir, 'siaga-agent-service.exe')).subarray(0, 2).toString('latin1')).toBe('MZ');
    expect(readFileSync(path.join(dir, 'siaga-agent-service.exe.config'), 'utf8')).toContain('supportedRuntime version="v4.0"');
    const notices = readFileSync(path.join(dir, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    for (const name of ['ws ', 'zod ', 'systeminformation ', 'Node.js', 'WinSW']) expect(notices).toContain(`\n${name}`);
  });
});
