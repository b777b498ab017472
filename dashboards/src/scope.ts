import { matchVar } from './influxql.js';

/** WHERE terms for the site and group variables (fleet-wide panels). */
export const FLEET = [matchVar('site'), matchVar('group')] as const;
/** …and the host variable (per-host panels). */
export const HOSTS = [...FLEET, matchVar('host')] as const;
/** The host detail dashboard: one host, whatever its site. */
export const ONE_HOST = [matchVar('host')] as const;
