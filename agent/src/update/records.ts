import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../service/files.js';

/** The build an offer names: a refusal or a rollback sticks to exactly this build. */
export interface BuildRef {
  version: string;
  sha256: string;
  signature: string;
}

const pendingSchema = z.object({
  /** Version folders before and after the switch of `current`. */
  from: z.string().min(1),
  fromVersion: z.string(),
  to: z.string().min(1),
  toVersion: z.string(),
  sha256: z.string(),
  signature: z.string(),
  startedAt: z.number(),
  /** The new version must have a welcome by then, or it is rolled back. */
  deadline: z.number(),
  /** Set when the new version gave up: why (the old one reports it). */
  rolledBack: z.string().optional(),
});
export type PendingUpdate = z.infer<typeof pendingSchema>;

const failureSchema = z.object({
  version: z.string(),
  sha256: z.string(),
  signature: z.string(),
  reason: z.string(),
  at: z.number(),
  attempts: z.number().int().min(1),
  /** When the same build may be tried again; null: not until the collector offers another build. */
  retryAt: z.number().nullable(),
});
export type UpdateFailure = z.infer<typeof failureSchema>;

const FAILURES_KEPT = 20;

const sameBuild = (a: BuildRef, b: BuildRef): boolean => a.version === b.version && a.sha256 === b.sha256 && a.signature === b.signature;

function readJson<T>(file: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the updater must remember across restarts, in the state folder (shared by the old and
 * the new version): the update on probation, and builds that failed, so none is retried in a loop.
 */
export class UpdateRecords {
  private readonly pendingFile: string;
  private readonly failuresFile: string;

  constructor(stateDir: string) {
    this.pendingFile = path.join(stateDir, 'update-pending.json');
    this.failuresFile = path.join(stateDir, 'update-failures.json');
  }

  pending(): PendingUpdate | undefined {
    return readJson(this.pendingFile, pendingSchema);
  }

  setPending(pending: PendingUpdate): void {
    writeFileAtomic(this.pendingFile, JSON.stringify(pending), 0o600);
  }

  clearPending(): void {
    rmSync(this.pendingFile, { force: true });
  }

  private failures(): UpdateFailure[] {
    return readJson(this.failuresFile, z.array(failureSchema)) ?? [];
  }

  failureOf(build: BuildRef): UpdateFailure | undefined {
    return this.failures().find((f) => sameBuild(f, build));
  }

  /** Records a failure of `build`; `retryAfterMs` null means never again, else it doubles per attempt (at most a day). */
  recordFailure(build: BuildRef, reason: string, retryAfterMs: number | null, now: number): UpdateFailure {
    const others = this.failures().filter((f) => !sameBuild(f, build));
    const attempts = (this.failureOf(build)?.attempts ?? 0) + 1;
    const retryAt = retryAfterMs === null ? null : now + Math.min(retryAfterMs * 2 ** (attempts - 1), 86_400_000);
    const failure: UpdateFailure = { version: build.version, sha256: build.sha256, signature: build.signature, reason, at: now, attempts, retryAt };
    writeFileAtomic(this.failuresFile, JSON.stringify([...others.slice(-(FAILURES_KEPT - 1)), failure]), 0o600);
    return failure;
  }
}
