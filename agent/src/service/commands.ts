import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ErrorCode, SiagaError } from '@siaga/shared';
import { runCommand } from '../exec.js';
import { install, managerFor, uninstall } from './install.js';
import { installedPrefix, isTargetPlatform, layoutFor, type TargetPlatform } from './layout.js';

export const INSTALL_USAGE = `siaga-agent install --collector <url> --enroll-secret-file <file> [options]
  Installs this executable as a service that starts at boot and restarts on failure.
    --collector <url>            collector base URL (https://collector.example:8443)
    --enroll-secret-file <file>  file holding the organisation's enroll secret (copied, private)
    --site <name> --group <name> --tags <a,b>   labels the collector's policies select on
    --ca-file <pem>              CA bundle that signs the collector's certificate
    --release-key <base64>       release key (siaga-collector release keygen): enables automatic updates;
                                 alone, it is added to the installed config
    --allow-insecure             allow plain http:// to a non-loopback collector
    --root <dir>                 stage the files under <dir> only (packaging); no service calls
    --prefix <dir>               program prefix on Linux and macOS (default /usr/local)
    --platform linux|darwin|win32  layout to stage with --root (default: this system)
    --binary <file>              executable to install (default: this one)
  Running it again with --collector rewrites the config; without, it keeps the config.
  Windows: the program goes to %ProgramFiles%\siaga\versions\<version>\ behind the junction
  versions\current, which automatic updates switch.

siaga-agent uninstall [--purge] [--root <dir>]
  Removes the service, program, config and enroll secret. Keeps the state (so a reinstall is
  the same host) and logs unless --purge.
`;

/** The MSI passes every property, empty when not set: an empty option means "not given". */
const given = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());

class UsageError extends Error {}

/** A file system refusal (EACCES, EBUSY, ...) becomes an install error with its message, not a stack trace. */
function asInstallError(err: unknown): unknown {
  if (err instanceof SiagaError || typeof (err as NodeJS.ErrnoException).code !== 'string') return err;
  return new SiagaError(ErrorCode.installFailed, (err as Error).message, { cause: err });
}

/** The MSI only says that its custom action failed: leave the reason where an administrator looks. */
function noteMsiFailure(err: unknown): void {
  const logDir = layoutFor('win32').logDir ?? '.';
  try {
    mkdirSync(logDir, { recursive: true });
    appendFileSync(path.join(logDir, 'msi-install.log'), `${new Date().toISOString()} install failed: ${(err as Error).message}\n`);
  } catch {
    // Nowhere to write: msiexec still reports the failure.
  }
}

function targetPlatform(requested: string | undefined, root: string | undefined): TargetPlatform {
  if (requested !== undefined && !root) throw new UsageError('--platform only stages files: use it with --root');
  const platform = requested ?? process.platform;
  if (!isTargetPlatform(platform)) throw new UsageError(`--platform: expected linux, darwin or win32, got ${platform}`);
  return platform;
}

/** Wrong options are answered with the message and the usage, not a stack trace. */
async function withUsage(command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!(err instanceof UsageError) && !(typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) throw err;
    process.stderr.write(`siaga-agent ${command}: ${(err as Error).message}\n\n${INSTALL_USAGE}`);
    return 2;
  }
}

export function installCommand(argv: string[]): Promise<number> {
  return withUsage('install', () => runInstall(argv));
}

export function uninstallCommand(argv: string[]): Promise<number> {
  return withUsage('uninstall', () => runUninstall(argv));
}

async function runInstall(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      collector: { type: 'string' },
      'enroll-secret-file': { type: 'string' },
      'enroll-secret': { type: 'string' },
      site: { type: 'string' },
      group: { type: 'string' },
      tags: { type: 'string' },
      'ca-file': { type: 'string' },
      'release-key': { type: 'string' },
      'allow-insecure': { type: 'boolean', default: false },
      root: { type: 'string' },
      prefix: { type: 'string' },
      platform: { type: 'string' },
      binary: { type: 'string' },
      'from-msi': { type: 'boolean', default: false },
      // MSI repair: an automatic update may have moved `current` on since the MSI installed.
      'keep-current': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(INSTALL_USAGE);
    return 0;
  }
  const platform = targetPlatform(values.platform, values.root);
  const binary = given(values.binary);
  const layout = await install({
    platform,
    root: values.root ?? '',
    prefix: given(values.prefix) ?? installedPrefix(binary ?? process.execPath),
    binary,
    collectorUrl: given(values.collector),
    enrollSecret: given(values['enroll-secret']),
    enrollSecretFile: given(values['enroll-secret-file']),
    caFile: given(values['ca-file']),
    releaseKey: given(values['release-key']),
    allowInsecure: values['allow-insecure'],
    site: given(values.site),
    group: given(values.group),
    tags: (given(values.tags) ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    fromMsi: values['from-msi'],
    keepCurrent: values['keep-current'],
    run: runCommand,
  }).catch((err: unknown) => {
    if (values['from-msi']) noteMsiFailure(err);
    throw asInstallError(err);
  });
  const manager = managerFor(platform);
  if (layout.root) {
    process.stdout.write(`siaga-agent: staged a ${platform} installation under ${layout.root}\n`);
    return 0;
  }
  const status = values['from-msi'] ? undefined : await manager.status(layout, runCommand).catch(() => undefined);
  process.stdout.write(
    [
      `siaga-agent: installed as a service (${manager.name})`,
      ...(status ? [`  service: ${status.detail}`] : []),
      `  config:  ${layout.configFile}`,
      `  state:   ${layout.stateDir}`,
      `  logs:    ${manager.logsHint(layout)}`,
      `  check:   siaga-agent doctor`,
      '',
    ].join('\n'),
  );
  return 0;
}

async function runUninstall(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      purge: { type: 'boolean', default: false },
      root: { type: 'string' },
      prefix: { type: 'string' },
      platform: { type: 'string' },
      'from-msi': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(INSTALL_USAGE);
    return 0;
  }
  const platform = targetPlatform(values.platform, values.root);
  const layout = await uninstall({
    platform,
    root: values.root ?? '',
    prefix: given(values.prefix) ?? installedPrefix(process.execPath),
    purge: values.purge,
    fromMsi: values['from-msi'],
    run: runCommand,
  }).catch((err: unknown) => {
    throw asInstallError(err);
  });
  const kept = values.purge ? '' : ` (kept ${layout.stateDir}; --purge removes it)`;
  process.stdout.write(`siaga-agent: uninstalled${kept}\n`);
  return 0;
}
