/** One InfluxDB point: tags from bounded sets only, numbers always floats, ms timestamp. */
export interface Point {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | string | boolean>;
  /** Epoch milliseconds (the agent's `collectedAt`). */
  time: number;
}

/** Where ingested points go. `write` resolves once the points are durable there. */
export interface Sink {
  readonly name: string;
  write(points: readonly Point[]): Promise<void>;
  /** The same points as line protocol with millisecond times, when the sink takes them so (the ingest hot path). */
  writeLines?(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
