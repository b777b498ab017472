export { Agent } from './agent.js';
export { agentConfigSchema, loadAgentConfig, parseAgentConfig, type AgentConfig } from './config.js';
export { PROBES } from './probes/index.js';
export type { Probe, ProbeContext } from './probes/types.js';
export { AGENT_COMMIT, AGENT_VERSION } from './version.js';
