/**
 * Node.js options the agent runs with, embedded in the single executables (`execArgv` of the SEA
 * config) and used by the footprint benchmark, which runs the built dist the same way.
 *
 * --max-semi-space-size=1: V8 grows the young generation up to 16 MB per semi-space while the
 * agent allocates at start-up (first inventory, first probes) and rarely gives it back. The agent
 * allocates little per cycle, so 1 MB semi-spaces cost a few more scavenges of a small heap and
 * keep ~10 MB off its peak RSS (measured with `npm run bench -- agent-footprint`).
 */
export const AGENT_NODE_FLAGS = Object.freeze(['--max-semi-space-size=1']);
