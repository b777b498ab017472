// Runs the benchmarks under bench/ (every folder with a run.mjs), prints each subject's ratio to
// the references measured in the same run and writes a markdown + JSON report per benchmark to
// bench/results/.
//
//   npm run bench                         every benchmark
//   npm run bench -- agent-footprint      one (or several) by name
//   npm run bench -- --list               what there is
//   npm run bench -- agent-footprint --quick
//
// Options the runner keeps: --list, --no-build, --label <text> (added to the report file names),
// --no-write; everything else goes to the benchmark (see its run.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildReport, renderConsole, writeReport } from '../bench/lib/report.mjs';
import { ROOT } from './setup.mjs';

const BENCH_DIR = path.join(ROOT, 'bench');
const RESULTS_DIR = path.join(BENCH_DIR, 'results');

/** Benchmarks are the folders of bench/ holding a run.mjs, in name order. */
export function discover(dir = BENCH_DIR) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, 'run.mjs')))
    .map((e) => ({ name: e.name, entry: path.join(dir, e.name, 'run.mjs') }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Splits argv into benchmark names, the runner's own options and the rest (for the benchmarks). */
export function splitArgs(argv, known) {
  const names = [];
  const rest = [];
  const runner = { list: false, build: true, write: true, label: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--list') runner.list = true;
    else if (a === '--no-build') runner.build = false;
    else if (a === '--no-write') runner.write = false;
    else if (a === '--label') runner.label = argv[++i];
    else if (a.startsWith('--label=')) runner.label = a.slice('--label='.length);
    else if (!a.startsWith('-') && known.includes(a)) names.push(a);
    else rest.push(a);
  }
  if (runner.label !== undefined && !/^[A-Za-z0-9._-]{1,40}$/.test(runner.label)) throw new Error('--label: letters, digits, dot, dash or underscore (at most 40)');
  return { names, runner, rest };
}

function gitCommit() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'agent', 'shared', 'bench'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${commit}+changes` : commit;
  } catch {
    return 'unknown';
  }
}

function environment() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.versions.node,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model?.trim(),
    cpus: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    commit: gitCommit(),
  };
}

async function main(argv) {
  const all = discover();
  const { names, runner, rest } = splitArgs(argv, all.map((b) => b.name));
  const unknown = rest.filter((a) => !a.startsWith('-') && !/^\d/.test(a));
  if (runner.list || unknown.length > 0) {
    if (unknown.length > 0) console.error(`unknown benchmark ${unknown.join(', ')}`);
    for (const b of all) {
      const mod = await import(pathToFileURL(b.entry).href);
      console.log(`${b.name.padEnd(20)} ${mod.description ?? ''}`);
    }
    return unknown.length > 0 ? 2 : 0;
  }
  const selected = names.length > 0 ? all.filter((b) => names.includes(b.name)) : all;
  if (runner.build) {
    console.log('bench: building (tsc -b)');
    const built = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('the build failed; fix it or run with --no-build to use the existing dist');
  }
  let failed = 0;
  for (const b of selected) {
    console.log(`\nbench: ${b.name}`);
    const mod = await import(pathToFileURL(b.entry).href);
    const env = environment();
    try {
      const result = await mod.run({ argv: rest, root: ROOT, log: (msg) => console.log(`  [${b.name}] ${msg}`) });
      const report = buildReport(b.name, result, { ...env, loadAverageAfter: os.loadavg().map((l) => Math.round(l * 100) / 100) });
      console.log(renderConsole(report));
      if (runner.write) {
        const files = writeReport(RESULTS_DIR, report, { label: runner.label });
        console.log(`  report: ${path.relative(ROOT, files.markdown)}, ${path.relative(ROOT, files.json)}`);
      }
    } catch (err) {
      failed += 1;
      console.error(`bench: ${b.name} failed: ${err.stack ?? err}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`bench: ${err.message}`);
      process.exit(1);
    },
  );
}
