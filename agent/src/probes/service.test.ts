import { metricSchema } from '@siaga/shared';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../exec.js';
import { fixtureBytes, fixtureText, HAVE_FIXTURES } from '../testing/fixtures.testutil.js';
import { probeContext, scriptedRunner } from '../testing/probe-context.testutil.js';
import { launchdState, parseLaunchctlList, parseScQuery, parseScStartType, parseSystemctlShow, systemdState, systemdUnit } from './service.parse.js';
import { serviceProbe } from './service.js';
import { decodeOutput } from './parsers/text.js';

const config = (over: Record<string, unknown>) => serviceProbe.configSchema.parse(over);
const SHOW = 'systemctl show --property=Id,LoadState,ActiveState,SubState,UnitFileState --';

describe.skipIf(!HAVE_FIXTURES)('service parsers on recorded outputs', () => {
  it('parses systemctl show for nginx', () => {
    const blocks = parseSystemctlShow(fixtureText('linux/systemctl-show-property-subset-nginx.txt'));
    expect(blocks).toEqual([{ Id: 'nginx.service', LoadState: 'loaded', ActiveState: 'active', SubState: 'running' }]);
    expect(systemdState('nginx', blocks[0]!)).toEqual({ running: true, state: 'active (running)' });
  });

  it('parses launchctl list: running jobs, stopped ones and exit statuses', () => {
    const jobs = parseLaunchctlList(fixtureText('macos/launchctl-list.txt'));
    expect(jobs.get('com.apple.coreservicesd')).toEqual({ pid: 106, status: 0 });
    expect(jobs.get('com.vmware.launchd.vmware')).toEqual({ status: 71 });
    expect(jobs.has('Label')).toBe(false);
    expect(launchdState('com.apple.WindowServer', jobs.get('com.apple.WindowServer'))).toEqual({ running: true, state: 'running' });
    expect(launchdState('com.apple.emond', jobs.get('com.apple.emond'))).toEqual({ running: false, state: 'stopped' });
    expect(launchdState('com.vmware.launchd.vmware', jobs.get('com.vmware.launchd.vmware'))).toEqual({ running: false, state: 'exited (71)' });
    expect(launchdState('org.example.none', jobs.get('org.example.none'))).toMatchObject({ running: false, error: 'service org.example.none: not found (not loaded in launchd)' });
    const lines = fixtureText('macos/launchctl-list.txt').trim().split('\n');
    expect(jobs.size).toBe(lines.length - 1);
  });

  it('parses sc query of a stopped service by its state number', () => {
    expect(parseScQuery(decodeOutput(fixtureBytes('windows/sc-query-single-service-stopped.txt')))).toEqual([{ name: 'osqueryd', stateCode: 1, state: 'STOPPED' }]);
  });

  it('parses an sc query enumeration with display names and exit codes', () => {
    expect(parseScQuery(fixtureText('windows/sc-query-enumeration-excerpt.txt'))).toEqual([
      { name: 'WPCSvc', stateCode: 1, state: 'STOPPED' },
      { name: 'WPDBusEnum', stateCode: 1, state: 'STOPPED' },
      { name: 'ws2ifsl', stateCode: 1, state: 'STOPPED' },
      { name: 'wscsvc', stateCode: 4, state: 'RUNNING' },
    ]);
  });
});

describe('service parsers', () => {
  it('reads the state by position when the labels are localized', () => {
    const localized = '\r\nDIENSTNAME: Spooler\r\n        TYP                : 110  WIN32_OWN_PROCESS\r\n        STATUS             : 4  RUNNING\r\n        WIN32_EXITCODE     : 0  (0x0)\r\n';
    expect(parseScQuery(localized)).toEqual([{ name: 'Spooler', stateCode: 4, state: 'RUNNING' }]);
    expect(parseScQuery('[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n')).toEqual([]);
  });

  it('reads the start type of sc qc', () => {
    const qc = '[SC] QueryServiceConfig SUCCESS\r\n\r\nSERVICE_NAME: Spooler\r\n        TYPE               : 110  WIN32_OWN_PROCESS  (interactive)\r\n        START_TYPE         : 2   AUTO_START\r\n        ERROR_CONTROL      : 1   NORMAL\r\n        BINARY_PATH_NAME   : C:\\Windows\\System32\\spoolsv.exe\r\n';
    expect(parseScStartType(qc)).toBe(2);
  });

  it('names units the way systemd does and maps unit file states', () => {
    expect(['nginx', 'sshd.socket', 'openvpn@client', 'org.cups.cupsd'].map(systemdUnit)).toEqual(['nginx.service', 'sshd.socket', 'openvpn@client.service', 'org.cups.cupsd.service']);
    expect(systemdState('cups', { LoadState: 'loaded', ActiveState: 'inactive', SubState: 'dead', UnitFileState: 'disabled' })).toEqual({ running: false, enabled: false, state: 'inactive (dead)' });
    expect(systemdState('x', { LoadState: 'not-found', ActiveState: 'inactive', SubState: 'dead' })).toEqual({ running: false, state: 'not-found', error: 'service x: not found' });
  });

  it('refuses option-like or shell-like service names', () => {
    for (const bad of ['--all', '-H', 'a;b', 'a/b', '`x`', '']) expect(serviceProbe.configSchema.safeParse({ names: [bad] }).success, bad).toBe(false);
    expect(config({ names: ['MSSQL$SQLEXPRESS', 'openvpn@client', 'com.openssh.sshd'] }).names).toHaveLength(3);
  });
});

describe('service probe', () => {
  it('asks systemctl once for all units and reports missing ones with a reason', async () => {
    const out = 'Id=cups.service\nLoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\n\nId=nope.service\nLoadState=not-found\nActiveState=inactive\nSubState=dead\nUnitFileState=\n';
    const run = scriptedRunner({ [`${SHOW} cups.service nope.service`]: out });
    const metrics = await serviceProbe.collect(probeContext({ platform: 'linux', run }), config({ names: ['cups', 'nope'] }));
    expect(metrics).toEqual([
      { m: 'service', tags: { service: 'cups' }, fields: { running: 1, enabled: 1, state: 'active (running)' } },
      { m: 'service', tags: { service: 'nope' }, fields: { running: 0, state: 'not-found', error: 'service nope: not found' } },
    ]);
    for (const m of metrics) expect(metricSchema.safeParse(m).success).toBe(true);
    expect(run.calls).toHaveLength(1);
  });

  it('queries each Windows service by number and caches its start type', async () => {
    const query = '\r\nSERVICE_NAME: Spooler\r\n        TYPE               : 110  WIN32_OWN_PROCESS\r\n        STATE              : 4  RUNNING\r\n';
    const qc = 'SERVICE_NAME: Spooler\r\n        TYPE               : 110  WIN32_OWN_PROCESS\r\n        START_TYPE         : 3   DEMAND_START\r\n';
    const run = scriptedRunner({ 'sc query Spooler': query, 'sc qc Spooler': qc, 'sc query Missing': { code: 1060, stdout: '[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\r\n' } });
    const ctx = probeContext({ platform: 'win32', run });
    const cfg = config({ names: ['Spooler', 'Missing'] });
    const expected = [
      { m: 'service', tags: { service: 'Spooler' }, fields: { running: 1, enabled: 0, state: 'RUNNING' } },
      { m: 'service', tags: { service: 'Missing' }, fields: { running: 0, state: 'not-found', error: 'service Missing: not found' } },
    ];
    expect(await serviceProbe.collect(ctx, cfg)).toEqual(expected);
    expect(await serviceProbe.collect(ctx, cfg)).toEqual(expected);
    expect(run.calls.map((c) => c.args.join(' '))).toEqual(['query Spooler', 'qc Spooler', 'query Missing', 'query Spooler', 'query Missing']);
  });

  it.skipIf(!HAVE_FIXTURES)('reads launchctl list once on macOS', async () => {
    const run = scriptedRunner({ 'launchctl list': fixtureText('macos/launchctl-list.txt') });
    const metrics = await serviceProbe.collect(probeContext({ platform: 'darwin', run }), config({ names: ['com.apple.syslogd', 'com.vmware.launchd.vmware'] }));
    expect(metrics.map((m) => m.fields)).toEqual([
      { running: 1, state: 'running' },
      { running: 0, state: 'exited (71)' },
    ]);
  });

  it('does nothing without configured names', async () => {
    const run = scriptedRunner({});
    expect(await serviceProbe.collect(probeContext({ platform: 'linux', run }), config({}))).toEqual([]);
    expect(run.calls).toHaveLength(0);
  });

  it('fails with a reason when systemctl is missing', async () => {
    await expect(serviceProbe.collect(probeContext({ platform: 'linux', run: scriptedRunner({}) }), config({ names: ['cups'] }))).rejects.toThrow('systemctl not found');
  });
});

describe.skipIf(process.platform !== 'linux')('service probe with the real systemctl of this machine', () => {
  it('reports states, or why systemd cannot be asked (no systemd as PID 1 in containers)', async () => {
    const probe = await serviceProbe.collect(probeContext({ platform: 'linux', run: runCommand }), config({ names: ['siaga-surely-absent'] })).then(
      (metrics) => ({ metrics }),
      (err: Error) => ({ error: err.message }),
    );
    if ('error' in probe) expect(probe.error).toMatch(/^systemctl (not found|unavailable: .+)/);
    else expect(probe.metrics[0]?.fields).toMatchObject({ running: 0, state: 'not-found' });
  });
});
