import { describe, expect, it } from 'vitest';
import { ProbeRun } from './probe-run.js';

const start = (ms: number) => new ProbeRun('linux', async () => ({ stdout: Buffer.alloc(0), stderr: '', code: 0 }), new Map(), Date.now, ms);

describe('probe run', () => {
  it('rejects once the time is up and aborts the signal it handed out', async () => {
    const run = start(100);
    const signal = run.signal;
    await expect(run.expired).rejects.toThrow('timed out after 100 ms');
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('timed out after 100 ms');
  });

  it('hands out an already aborted signal when asked only after the time is up', async () => {
    const run = start(100);
    await expect(run.expired).rejects.toThrow('timed out');
    expect(run.signal.aborted).toBe(true);
  });

  it('never times out once finished', async () => {
    const run = start(100);
    run.finish();
    const settled = await Promise.race([run.expired.then(() => 'settled', () => 'settled'), new Promise((r) => setTimeout(() => r('pending'), 200))]);
    expect(settled).toBe('pending');
    expect(run.signal.aborted).toBe(false);
  });
});
