// Runs the agent's probes from the built dist, the way the agent does, on request: one JSON line
// in ({ probes: <config sections>, only: [names] }), one JSON line out ({ outcomes } or { error }).
// One process serves a whole test, so probe memos (last interface, last gateway) persist as in the agent.
import readline from 'node:readline';

const dist = new URL('../../agent/dist/', import.meta.url);
const { PROBES } = await import(new URL('probes/index.js', dist).href);
const { ProbeRunner } = await import(new URL('probes/runner.js', dist).href);
const { runCommand, startProcess } = await import(new URL('exec.js', dist).href);

const runner = new ProbeRunner(PROBES, { run: runCommand, start: startProcess, platform: process.platform, now: Date.now });
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
for await (const line of readline.createInterface({ input: process.stdin })) {
  try {
    const { probes, only } = JSON.parse(line);
    runner.configure(probes);
    // Concurrently and in the registered order, as the agent's full collection runs them.
    const names = runner.enabledNames().filter((name) => only.includes(name));
    const outcomes = (await Promise.all(names.map((name) => runner.collect(name)))).flat();
    process.stdout.write(`${JSON.stringify({ outcomes })}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ error: String(err?.message ?? err) })}\n`);
  }
}
