import { describe, expect, it } from 'vitest';
import { decodeOutput } from '../../probes/parsers/text.js';
import { fixtureBytes, fixtureText, HAVE_FIXTURES } from '../../testing/fixtures.testutil.js';
import { DPKG_COLUMNS, parseDpkgQuery, parseRpmQuery } from './linux-packages.js';
import { parseApplicationsJson, parseApplicationsText, parseApplicationsXml, signerName } from './macos-apps.js';
import { parseSpSoftware, parseSwVers } from './os-version.js';
import { parseAppxList } from './windows-appx.js';
import { parseRegFile, parseRegQuery, uninstallEntries } from './windows-registry.js';

describe.skipIf(!HAVE_FIXTURES)('Linux package lists', () => {
  it('parses the GLPI dpkg-query format, skipping removed packages with leftover config', () => {
    const list = parseDpkgQuery(fixtureText('linux/dpkg-query-W-f.txt'), ['Package', 'Architecture', 'Version', 'Installed-Size', 'Section', 'Status']);
    expect(list).toHaveLength(16);
    expect(list[0]).toEqual({ name: 'adduser', version: '3.112+nmu2', source: 'dpkg' });
    expect(list.find((p) => p.name === 'apache2')?.version).toBe('2.2.16-6+squeeze6');
    expect(list.find((p) => p.name === 'jcagent')?.version).toBe('0.24.2');
    expect(list.some((p) => p.name === 'vlc-nox')).toBe(false); // "deinstall ok config-files"
  });

  it("parses the agent's own dpkg-query format (db:Status-Status)", () => {
    const list = parseDpkgQuery(fixtureText('linux/dpkg-query-W-f-status-ohai.txt'), DPKG_COLUMNS);
    expect(list.map((p) => `${p.name}=${p.version ?? ''}`)).toEqual([
      'adduser=3.113+nmu3',
      'libc-bin=2.19-18+deb8u3',
      'libc6=2.19-18+deb8u3',
      'libnss-systemd=247.3-6',
      'libpam-systemd=247.3-6',
      'libsystemd0=247.3-6',
      'systemd=247.3-6',
      'systemd-sysv=247.3-6',
      'tzdata=2015g-0+deb8u1',
    ]);
  });

  it('parses rpm with vendor and install time (Mageia)', () => {
    const list = parseRpmQuery(fixtureText('linux/rpm-qa-queryformat.txt'), ['NAME', 'ARCH', 'VERSION-RELEASE', 'INSTALLTIME', 'SIZE', 'VENDOR', 'SUMMARY', 'GROUP']);
    expect(list).toHaveLength(10);
    expect(list[0]).toEqual({ name: 'libpciaccess0', version: '0.12.1-1.mga1', publisher: 'Mageia.Org', source: 'rpm', installedAt: '2011-07-19T13:05:03.000Z' });
    expect(list.at(-1)).toMatchObject({ name: 'perl-Gtk2-ImageView', version: '0.50.0-4.mga2', publisher: 'Mageia' });
  });

  it('parses rpm with epochs, including hand-edited lines that use spaces (CentOS)', () => {
    const list = parseRpmQuery(fixtureText('linux/rpm-qa-qf-epoch-ohai.txt'), ['NAME', 'EPOCH', 'VERSION', 'RELEASE', 'INSTALLTIME', 'ARCH']);
    expect(list.map((p) => `${p.name}=${p.version ?? ''}`)).toEqual([
      'centos-release=7-2.1511.el7.centos.2.10',
      'tzdata=2016d-1.el7',
      'nss-softokn-freebl=3.16.2.3-14.2.el7_2',
      'glibc=2.17-106.el7_2.6',
      'libstdc++=4.8.5-4.el7',
      'kernel=3.10.0-862.2.3.el7',
      'kernel=3.10.0-862.el7',
    ]);
    expect(list[5]?.installedAt).toBe('2018-05-14T15:13:01.000Z');
    expect(parseRpmQuery('bash\t1\t5.1\t2.fc36\t0\tx86_64\tFedora Project\n', ['NAME', 'EPOCH', 'VERSION', 'RELEASE', 'INSTALLTIME', 'ARCH', 'VENDOR'])).toEqual([{ name: 'bash', version: '1:5.1-2.fc36', publisher: 'Fedora Project', source: 'rpm' }]);
  });
});

describe.skipIf(!HAVE_FIXTURES)('Windows software sources', () => {
  it('parses a UTF-16LE regedit export of the Uninstall key (Russian)', () => {
    const keys = parseRegFile(decodeOutput(fixtureBytes('windows/regedit-export-uninstall-win10-russian.reg')));
    const csp = keys.get('HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{50F91F80-D397-437C-B0C8-62128DE3B55E}');
    expect(csp).toMatchObject({
      DisplayVersion: '5.0.12000',
      InstallLocation: 'C:\\Program Files (x86)\\Crypto Pro\\CSP\\',
      HelpLink: 'https://support.cryptopro.ru/', // hex(2) value continued over three lines
      ModifyPath: 'MsiExec.exe /I{50F91F80-D397-437C-B0C8-62128DE3B55E}',
      VersionMajor: 5,
      Version: 0x05002ee0,
    });
    expect(uninstallEntries(keys)).toEqual([
      { name: 'КриптоПро CSP', version: '5.0.12000', publisher: 'Компания КриптоПро', source: 'registry', installedAt: '2021-07-24' },
      { name: '1C Предприятие 7.7', version: '77.27', source: 'registry' },
    ]);
  });

  it('parses reg query /s output the same way, leaving out system components and updates', () => {
    const text = [
      '',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\7-Zip',
      '    DisplayName    REG_SZ    7-Zip 23.01 (x64)',
      '    DisplayVersion    REG_SZ    23.01',
      '    Publisher    REG_SZ    Igor Pavlov',
      '    NoModify    REG_DWORD    0x1',
      '',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{GUID-1}',
      '    DisplayName    REG_SZ    Microsoft Visual C++ 2019 X64 Minimum Runtime',
      '    SystemComponent    REG_DWORD    0x1',
      '',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\KB123',
      '    DisplayName    REG_SZ    Security Update',
      '    ParentKeyName    REG_SZ    OFFICE16',
      '    (Standard)    REG_SZ    ',
      '',
    ].join('\r\n');
    const keys = parseRegQuery(text);
    expect(keys.get('HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\7-Zip')).toEqual({ DisplayName: '7-Zip 23.01 (x64)', DisplayVersion: '23.01', Publisher: 'Igor Pavlov', NoModify: 1 });
    expect(uninstallEntries(keys)).toEqual([{ name: '7-Zip 23.01 (x64)', version: '23.01', publisher: 'Igor Pavlov', source: 'registry' }]);
  });

  it('parses Get-AppxPackage blocks (Russian display names and publishers)', () => {
    const list = parseAppxList(fixtureText('windows/powershell-appx-packages-win10-russian.txt'));
    expect(list).toHaveLength(8);
    expect(list.map((p) => p.name)).toEqual([
      'Проводник',
      'Сопоставитель приложений',
      'Диалоговое окно "Добавить рекомендованные папки"',
      'Веб-средство просмотра классических приложений',
      'Экранный диктор',
      'Windows Shell Experience',
      'Безопасность Windows',
      'Take a Test',
    ]);
    expect(list[3]).toEqual({ name: 'Веб-средство просмотра классических приложений', version: '10.0.19041.423', publisher: 'Корпорация Майкрософт', source: 'appx' });
  });
});

describe.skipIf(!HAVE_FIXTURES)('macOS software sources', () => {
  const xml = () => parseApplicationsXml(fixtureText('macos/system_profiler-SPApplicationsDataType-xml-sonoma.xml'));
  const text = () => parseApplicationsText(fixtureText('macos/system_profiler-SPApplicationsDataType-sonoma.txt'));

  it('parses the XML (plist) application list', () => {
    const apps = xml();
    expect(apps).toHaveLength(367);
    expect(apps[0]).toEqual({ name: 'Terminal', version: '2.12.7', publisher: 'Apple', source: 'applications', installedAt: '2024-02-26T05:47:45Z' });
    expect(apps[1]).toEqual({ name: 'OneDrive', version: '24.065.0331', publisher: 'Microsoft Corporation', source: 'applications', installedAt: '2024-04-25T11:11:14Z' });
    expect(apps.filter((a) => a.version === undefined)).toHaveLength(6);
  });

  it('parses the text application list of the same Mac to the same programs', () => {
    const apps = text();
    expect(apps).toHaveLength(367);
    expect(apps[0]).toEqual({ name: 'XProtect', version: '131', publisher: 'Apple', source: 'applications' });
    expect(apps.find((a) => a.name === 'Microsoft Excel')).toEqual({ name: 'Microsoft Excel', version: '16.79.2', publisher: 'Microsoft Corporation', source: 'applications' });
    // Both were captured from one Mac; only OneDrive updated itself in between.
    const key = (a: { name: string; version?: string }) => `${a.name}=${a.version ?? ''}`;
    const fromXml = new Set(xml().map(key));
    const fromText = new Set(apps.map(key));
    expect([...fromText].filter((k) => !fromXml.has(k))).toEqual(['OneDrive=24.055.0317']);
    expect([...fromXml].filter((k) => !fromText.has(k))).toEqual(['OneDrive=24.065.0331']);
  });

  it('parses the JSON form system_profiler prints on current macOS', () => {
    const json = JSON.stringify({
      SPApplicationsDataType: [
        { _name: 'Slack', lastModified: '2024-05-02T09:12:44Z', obtained_from: 'identified_developer', path: '/Applications/Slack.app', signed_by: ['Developer ID Application: Slack Technologies, Inc. (BQR82RBBHL)', 'Developer ID Certification Authority', 'Apple Root CA'], version: '4.38.125' },
        { _name: 'Safari', obtained_from: 'apple', version: '17.4.1' },
        { lastModified: 'x' },
      ],
    });
    expect(parseApplicationsJson(json)).toEqual([
      { name: 'Slack', version: '4.38.125', publisher: 'Slack Technologies, Inc.', source: 'applications', installedAt: '2024-05-02T09:12:44Z' },
      { name: 'Safari', version: '17.4.1', publisher: 'Apple', source: 'applications' },
    ]);
    expect(signerName('Developer ID Application: Adobe Inc. (JQ525L2MZD)')).toBe('Adobe Inc.');
  });

  it('reads the OS version from sw_vers and from SPSoftwareDataType', () => {
    expect(parseSwVers(fixtureText('macos/sw_vers-10.13-no-patch.txt'))).toEqual({ name: 'Mac OS X', version: '10.13', build: '17A405' });
    expect(parseSpSoftware(fixtureText('macos/system_profiler-SPSoftwareDataType-10.15.txt'))).toEqual({ name: 'macOS', version: '10.15.2', build: '19C57' });
  });
});
