import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const stateSchema = z.object({
  /** The agent's own random id, generated once; survives re-enrollment. */
  agentId: z.uuid(),
  /** Host id and node key handed out by the collector at enrollment. */
  hostId: z.uuid().optional(),
  nodeKey: z.string().optional(),
  /** Fingerprint of the hardware the node key was issued to (cloned images differ). */
  enrolledFingerprint: z.string().optional(),
  /** Enrollment attempt in progress: a retry reuses it so the collector answers with the same host. */
  enrollNonce: z.string().optional(),
  /** Last report sequence number used; never reused. */
  seq: z.number().int().min(0).default(0),
});
export type AgentState = z.infer<typeof stateSchema>;

/**
 * The agent's small durable state (identity, node key, seq) as one JSON file, replaced
 * atomically so a crash never leaves it half-written. Readable by the service account only.
 */
export class StateFile {
  private readonly file: string;
  private state: AgentState;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = path.join(dir, 'state.json');
    this.state = this.load();
  }

  private load(): AgentState {
    let text: string | undefined;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      const parsed = stateSchema.safeParse(safeJson(text));
      if (parsed.success) return parsed.data;
      // A corrupt state file must not stop the agent: keep a copy for support, start afresh.
      renameSync(this.file, `${this.file}.corrupt-${Date.now()}`);
    }
    const fresh: AgentState = { agentId: randomUUID(), seq: 0 };
    this.write(fresh);
    return fresh;
  }

  get(): Readonly<AgentState> {
    return this.state;
  }

  update(patch: Partial<AgentState>): void {
    const next = { ...this.state, ...patch };
    this.write(next);
    this.state = next;
  }

  /** Reserves the next sequence number durably before it is used. */
  nextSeq(): number {
    const seq = this.state.seq + 1;
    this.update({ seq });
    return seq;
  }

  private write(state: AgentState): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
