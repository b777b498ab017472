import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// From the build: the checkpointer starts its worker from a compiled file next to it.
import { Checkpointer } from '../collector/dist/store/checkpointer.js';
import { type Db, openDatabase } from '../collector/dist/store/db.js';
import { createLogger } from '../collector/src/log.js';
import { waitFor } from './harness/ports.js';

const log = createLogger('silent');
const dirs: string[] = [];
const dbs: Db[] = [];

function store(): { db: Db; file: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-ckpt-'));
  dirs.push(dir);
  const db = openDatabase(dir);
  dbs.push(db);
  db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, body TEXT)');
  return { db, file: path.join(dir, 'siaga.db') };
}

/** About 4 MB in 100 commits: well past the 1,000 pages at which SQLite would checkpoint by itself. */
function write(db: Db): void {
  const insert = db.prepare('INSERT INTO blobs (body) VALUES (?)');
  for (let i = 0; i < 100; i++) db.transaction(() => insert.run('x'.repeat(40_000) + i))();
}

afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Checkpointer', () => {
  it('moves the WAL into the database from its own thread; commits no longer checkpoint', async () => {
    const { db, file } = store();
    const checkpointer = new Checkpointer(db, log, 50);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    write(db);
    await waitFor(() => statSync(file).size > 4_000_000 || undefined, 'the database file holding the checkpointed pages', 10_000, 50);
    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 100 });
  });

  it('without it and with commits not checkpointing, the pages stay in the WAL (what the test above looks for)', async () => {
    const { db, file } = store();
    db.pragma('wal_autocheckpoint = 0');
    write(db);
    await new Promise((r) => setTimeout(r, 300));
    expect(statSync(file).size).toBeLessThan(1_000_000);
  });

  it('when its worker dies, commits checkpoint again', async () => {
    const { db } = store();
    const checkpointer = new Checkpointer(db, log, 60_000);
    await (checkpointer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await waitFor(() => db.pragma('wal_autocheckpoint', { simple: true }) === 1000 || undefined, 'automatic checkpoints back on', 5_000, 20);
    await checkpointer.stop();
  });
});
