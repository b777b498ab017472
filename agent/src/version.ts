/** Replaced at bundle time by the release build; `dev` when running from the sources. */
declare const __SIAGA_COMMIT__: string | undefined;

export const AGENT_VERSION = '0.1.0';
export const AGENT_COMMIT = typeof __SIAGA_COMMIT__ === 'string' ? __SIAGA_COMMIT__ : 'dev';
