/** Replaced at bundle time by the release build; `dev` when running from the sources. */
declare const __SIAGA_COMMIT__: string | undefined;
/** Set at bundle time only for a build of another version (`build-sea.mjs --version`, tests of updates). */
declare const __SIAGA_VERSION__: string | undefined;

/** The version these sources are. */
export const SOURCE_AGENT_VERSION = '0.1.0';
export const AGENT_VERSION = typeof __SIAGA_VERSION__ === 'string' ? __SIAGA_VERSION__ : SOURCE_AGENT_VERSION;
export const AGENT_COMMIT = typeof __SIAGA_COMMIT__ === 'string' ? __SIAGA_COMMIT__ : 'dev';
