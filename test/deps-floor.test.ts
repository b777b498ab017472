import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { checkFloors, compareVersions, FLOORS, installedVersions, judgeAudit } from '../scripts/deps-floor.mjs';

describe('dependency floor', () => {
  it('orders versions, pre-releases before their release', () => {
    expect(compareVersions('8.21.1', '8.21.1')).toBe(0);
    expect(compareVersions('8.21.0', '8.21.1')).toBe(-1);
    expect(compareVersions('8.100.0', '8.21.1')).toBe(1);
    expect(compareVersions('8.21.1-beta.1', '8.21.1')).toBe(-1);
  });

  it('finds every installed copy (pnpm store names, workspace node_modules) and flags any below the floor', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'siaga-floor-'));
    try {
      for (const d of ['ws@8.23.0', 'ws@8.17.1', 'express@5.3.0_supports-color@8.1.1', '@types+ws@8.18.1', 'systeminformation@5.33.23']) mkdirSync(path.join(root, 'node_modules/.pnpm', d), { recursive: true });
      mkdirSync(path.join(root, 'agent/node_modules/systeminformation'), { recursive: true });
      writeFileSync(path.join(root, 'agent/node_modules/systeminformation/package.json'), JSON.stringify({ version: '5.31.0' }));
      const versions = installedVersions(root);
      expect(versions).toEqual({ ws: ['8.17.1', '8.23.0'], express: ['5.3.0'], systeminformation: ['5.31.0', '5.33.23'] });
      expect(checkFloors(versions)).toEqual(['ws@8.17.1 is below the floor 8.21.1', 'systeminformation@5.31.0 is below the floor 5.31.7']);
      expect(checkFloors({ ws: ['8.21.1'], express: ['5.2.1'], systeminformation: ['5.31.7'] })).toEqual([]);
      expect(checkFloors({ ws: [], express: ['5.2.1'], systeminformation: ['5.31.7'] })[0]).toContain('ws: not installed');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('holds for this checkout', () => {
    expect(checkFloors(installedVersions())).toEqual([]);
    expect(Object.keys(FLOORS).sort()).toEqual(['express', 'systeminformation', 'ws']);
  });

  it('skips an audit the registry cannot answer, fails on open high advisories, honours listed exceptions', () => {
    expect(judgeAudit(JSON.stringify({ error: { code: 'ERR_PNPM_AUDIT_BAD_RESPONSE', message: 'responded with 405' } })).status).toBe('unavailable');
    expect(judgeAudit('').status).toBe('unavailable');
    const report = { advisories: { 1: { id: 1, github_advisory_id: 'GHSA-aaaa-bbbb-cccc', severity: 'high', module_name: 'ws', title: 'DoS', vulnerable_versions: '<8.17.1' }, 2: { id: 2, severity: 'low', module_name: 'x', title: 'minor' } } };
    const failed = judgeAudit(JSON.stringify(report));
    expect(failed.status).toBe('failed');
    expect(failed.message).toContain('GHSA-aaaa-bbbb-cccc in ws');
    expect(judgeAudit(JSON.stringify(report), [{ id: 'GHSA-aaaa-bbbb-cccc', reason: 'not reachable' }]).status).toBe('ok');
  });
});
