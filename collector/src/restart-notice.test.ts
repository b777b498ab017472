import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { saveRestartNotice, takeRestartNotice } from './restart-notice.js';

const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'siaga-notice-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('restart notice', () => {
  it('tells the next start when the agents are due back, once', () => {
    const d = dir();
    saveRestartNotice(d, 1_000_000, 100);
    expect(takeRestartNotice(d)).toBe(1_100_000);
    expect(existsSync(path.join(d, 'restart-notice.json'))).toBe(false);
    expect(takeRestartNotice(d), 'a later start (after a crash) finds none').toBe(0);
  });

  it('none, unreadable or malformed: no extra grace, and a bad file is removed', () => {
    const d = dir();
    expect(takeRestartNotice(d)).toBe(0);
    writeFileSync(path.join(d, 'restart-notice.json'), '{"stoppedAt": "yesterday"');
    expect(takeRestartNotice(d)).toBe(0);
    writeFileSync(path.join(d, 'restart-notice.json'), '{"stoppedAt": 5, "reconnectWithinSec": "ten"}');
    expect(takeRestartNotice(d)).toBe(0);
    expect(existsSync(path.join(d, 'restart-notice.json'))).toBe(false);
  });
});
