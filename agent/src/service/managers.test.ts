import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from '../exec.js';
import { install } from './install.js';
import { launchdManager } from './launchd.js';
import { layoutFor, VERSION_NAME } from './layout.js';
import { systemdManager, unitStatus } from './systemd.js';
import { RESTART_EXIT_CODE } from '../update/restart.js';
import { configureRecovery, renderWinswXml, windowsManager } from './windows.js';

/** A service manager's command line, recorded; answers come from `answer`. */
function recorder(answer: (file: string, args: readonly string[]) => Partial<CommandResult> = () => ({})) {
  const calls: string[] = [];
  const run: CommandRunner = async (file, args) => {
    calls.push([file, ...args].join(' '));
    const a = answer(file, args);
    return { stdout: a.stdout ?? Buffer.alloc(0), stderr: a.stderr ?? '', code: a.code === undefined ? 0 : a.code };
  };
  return { calls, run };
}

/** Reads an XML property list into plain values the way launchd does (dict, array, string, integer, true/false). */
function readPlist(xml: string): unknown {
  const nodes = new XMLParser({ preserveOrder: true, ignoreAttributes: false, parseTagValue: false, trimValues: true }).parse(xml) as Array<Record<string, unknown>>;
  const plist = nodes.find((n) => 'plist' in n)?.plist as Array<Record<string, unknown>>;
  const text = (children: unknown) => String((children as Array<{ '#text'?: unknown }>)[0]?.['#text'] ?? '');
  const value = (node: Record<string, unknown>): unknown => {
    const [tag] = Object.keys(node).filter((k) => k !== ':@');
    const children = node[tag as string] as Array<Record<string, unknown>>;
    switch (tag) {
      case 'dict': {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < children.length; i += 2) out[text(children[i]?.key)] = value(children[i + 1] as Record<string, unknown>);
        return out;
      }
      case 'array':
        return children.map(value);
      case 'string':
        return text(children);
      case 'integer':
        return Number(text(children));
      case 'true':
        return true;
      case 'false':
        return false;
      default:
        throw new Error(`unexpected plist element <${tag}>`);
    }
  };
  return value(plist.find((n) => 'dict' in n) as Record<string, unknown>);
}

describe('launchd', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'siaga-launchd-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('stages a LaunchDaemon plist that starts the installed executable at boot and keeps it alive', async () => {
    const root = path.join(tmp, 'root');
    const binary = path.join(tmp, 'agent');
    const secret = path.join(tmp, 'secret');
    writeFileSync(binary, 'x', { mode: 0o755 });
    writeFileSync(secret, 'launchd-test-secret-0123456789');
    const layout = await install({
      platform: 'darwin',
      root,
      binary,
      collectorUrl: 'https://collector.example',
      enrollSecretFile: secret,
      allowInsecure: false,
      tags: [],
      fromMsi: false,
      run: async () => {
        throw new Error('no launchctl with --root');
      },
    });
    const plist = readPlist(readFileSync(path.join(root, '/Library/LaunchDaemons/dev.siaga.agent.plist'), 'utf8')) as Record<string, unknown>;
    expect(plist).toMatchObject({ Label: 'dev.siaga.agent', RunAtLoad: true, KeepAlive: true, ThrottleInterval: 10, Umask: 0o077 });
    expect(plist.ProgramArguments).toEqual(['/usr/local/lib/siaga-agent/current/siaga-agent', 'run', '--config', '/Library/Application Support/siaga/agent.yaml']);
    expect(readFileSync(path.join(root, '/usr/local/lib/siaga-agent/current/siaga-agent'), 'utf8')).toBe('x');
    expect(plist.StandardOutPath).toBe('/Library/Logs/siaga/agent.log');
    expect(layout.stateDir).toBe('/Library/Application Support/siaga/state');
    expect(readFileSync(path.join(root, layout.configFile), 'utf8')).toContain('stateDir: /Library/Application Support/siaga/state');
  });

  it('unloads a loaded daemon before bootstrapping the new plist', async () => {
    const layout = layoutFor('darwin');
    const loaded = recorder();
    await launchdManager.activate(layout, loaded.run);
    expect(loaded.calls).toEqual([
      'launchctl print system/dev.siaga.agent',
      'launchctl bootout system/dev.siaga.agent',
      'launchctl enable system/dev.siaga.agent',
      'launchctl bootstrap system /Library/LaunchDaemons/dev.siaga.agent.plist',
    ]);
    const fresh = recorder((_f, args) => (args[0] === 'print' ? { code: 113 } : {}));
    await launchdManager.activate(layout, fresh.run);
    expect(fresh.calls.slice(1)).toEqual(['launchctl enable system/dev.siaga.agent', 'launchctl bootstrap system /Library/LaunchDaemons/dev.siaga.agent.plist']);
  });

  it('reads the state from launchctl print', async () => {
    const { run } = recorder(() => ({ stdout: Buffer.from('system/dev.siaga.agent = {\n\tstate = running\n\tpid = 812\n}\n') }));
    expect(await launchdManager.status(layoutFor('darwin'), run)).toEqual({ state: 'running', detail: 'dev.siaga.agent is running' });
  });
});

describe('Windows service', () => {
  const layout = layoutFor('win32', { env: { ProgramFiles: 'C:\\Program Files', ProgramData: 'C:\\ProgramData' } });

  it('lays out version folders behind a current junction in Program Files, and ProgramData', () => {
    expect(layout).toMatchObject({
      programRoot: 'C:\\Program Files\\siaga',
      programDir: 'C:\\Program Files\\siaga\\versions',
      versionDir: `C:\\Program Files\\siaga\\versions\\${VERSION_NAME}`,
      currentLink: 'C:\\Program Files\\siaga\\versions\\current',
      executable: 'C:\\Program Files\\siaga\\versions\\current\\siaga-agent.exe',
      wrapperExe: 'C:\\Program Files\\siaga\\siaga-agent-service.exe',
      serviceFile: 'C:\\Program Files\\siaga\\siaga-agent-service.xml',
      configFile: 'C:\\ProgramData\\siaga\\agent.yaml',
      stateDir: 'C:\\ProgramData\\siaga\\state',
    });
  });

  it('configures WinSW to run the agent through the current junction, restart it and roll its logs', () => {
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(renderWinswXml()) as { service: Record<string, unknown> };
    expect(xml.service).toMatchObject({
      id: 'siaga-agent',
      executable: '%BASE%\\versions\\current\\siaga-agent.exe',
      arguments: 'run --config "%ProgramData%\\siaga\\agent.yaml"',
      logpath: '%ProgramData%\\siaga\\logs',
      log: { mode: 'roll-by-size' },
    });
    expect(xml.service.onfailure).toEqual([
      { action: 'restart', delay: '10 sec' },
      { action: 'restart', delay: '10 sec' },
      { action: 'restart', delay: '60 sec' },
    ]);
    // %BASE% is the wrapper's folder: the service starts exactly the layout's executable.
    expect(String(xml.service.executable).replace('%BASE%', path.win32.dirname(layout.wrapperExe ?? ''))).toBe(layout.executable);
    expect(xml.service.env).toEqual({ name: 'SIAGA_SERVICE_MANAGER', value: 'winsw' });
  });

  it('has the service restarted after the update exit: a non-zero status, which recovery actions restart', async () => {
    // WinSW 1.17 reports a child's status 0 as a clean stop (no recovery) and exits with any other
    // status without reporting a stop, which the service control manager treats as a failure.
    expect(RESTART_EXIT_CODE).not.toBe(0);
    const { calls, run } = recorder();
    await configureRecovery(run);
    expect(calls).toContain('sc.exe failure siaga-agent reset= 3600 actions= restart/10000/restart/10000/restart/60000');
  });

  it('creates an automatic LocalSystem service with restart-on-failure and starts it', async () => {
    const { calls, run } = recorder((_f, args) => (args[0] === 'query' ? { code: 1060 } : {}));
    await windowsManager.activate(layout, run);
    expect(calls).toEqual([
      'sc.exe query siaga-agent',
      'sc.exe create siaga-agent binPath= "C:\\Program Files\\siaga\\siaga-agent-service.exe" start= auto obj= LocalSystem DisplayName= siaga agent',
      expect.stringMatching(/^sc\.exe description siaga-agent siaga endpoint readiness agent/),
      'sc.exe failure siaga-agent reset= 3600 actions= restart/10000/restart/10000/restart/60000',
      'sc.exe failureflag siaga-agent 1',
      'sc.exe start siaga-agent',
    ]);
  });

  it('stops an installed service and waits for it before reconfiguring or deleting it', async () => {
    let state = 4;
    const { calls, run } = recorder((_f, args) => {
      if (args[0] === 'stop') state = 3;
      if (args[0] === 'query') {
        const now = state;
        if (state === 3) state = 1; // stopped by the next look
        return { stdout: Buffer.from(`SERVICE_NAME: siaga-agent\r\n        STATE              : ${now}  X\r\n`) };
      }
      return {};
    });
    await windowsManager.deactivate(layout, run);
    expect(calls).toEqual(['sc.exe query siaga-agent', 'sc.exe query siaga-agent', 'sc.exe stop siaga-agent', 'sc.exe query siaga-agent', 'sc.exe query siaga-agent', 'sc.exe delete siaga-agent']);
  });

  it('turns a refused command into an install error that names it', async () => {
    const { run } = recorder((_f, args) => (args[0] === 'query' ? { code: 1060 } : args[0] === 'create' ? { code: 5, stdout: Buffer.from('[SC] OpenSCManager FAILED 5: Access is denied.') } : {}));
    await expect(windowsManager.activate(layout, run)).rejects.toThrow(/sc\.exe create siaga-agent .* failed \(exit 5\): \[SC\] OpenSCManager FAILED 5: Access is denied\./);
  });
});

describe('systemd', () => {
  it('reads the unit state from systemctl show', () => {
    expect(unitStatus('LoadState=loaded\nActiveState=active\nSubState=running\nResult=success\n')).toEqual({ state: 'running', detail: 'siaga-agent.service is active (running)' });
    expect(unitStatus('LoadState=loaded\nActiveState=failed\nSubState=failed\nResult=exit-code\n')).toEqual({ state: 'stopped', detail: 'siaga-agent.service is failed (failed, last result exit-code)' });
    expect(unitStatus('LoadState=not-found\nActiveState=inactive\n').state).toBe('not-installed');
  });

  it('enables the unit, and reloads and restarts it only where systemd runs', async () => {
    const { calls, run } = recorder();
    await systemdManager.activate(layoutFor('linux'), run);
    const expected = existsSync('/run/systemd/system')
      ? ['systemctl daemon-reload', 'systemctl enable siaga-agent.service', 'systemctl restart siaga-agent.service']
      : ['systemctl enable siaga-agent.service'];
    expect(calls).toEqual(expected);
  });

  it('names the version folder after version and commit', () => {
    expect(layoutFor('linux').versionDir).toBe(`/usr/local/lib/siaga-agent/${VERSION_NAME}`);
    expect(layoutFor('linux', { prefix: '/usr' }).serviceFile).toBe('/usr/lib/systemd/system/siaga-agent.service');
  });
});
