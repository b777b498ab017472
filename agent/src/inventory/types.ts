import type { Hardware, Software } from '@siaga/shared';
import type { ProbeContext } from '../probes/types.js';

/** What the inventory needs from the agent: the platform, the command runner, an optional abort. */
export type InventoryContext = Pick<ProbeContext, 'platform' | 'run'> & { signal?: AbortSignal };

export interface Inventory {
  hardware: Hardware;
  software: Software[];
  /** Sources that could not be read (`dpkg-query: exit 2`); the rest of the inventory stands. */
  errors: string[];
}

/** A software entry before cleaning: the shape of shared's softwareSchema, fields not yet bounded. */
export type RawSoftware = { name: string; version?: string; publisher?: string; source: string; installedAt?: string };
