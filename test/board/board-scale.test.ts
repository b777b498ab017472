import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../collector/src/store/db.js';
import { artifact, hasChromium, launchBrowser, signIn } from '../harness/browser.js';
import { type RunningCollector, startCollector } from '../harness/processes.js';
import { RawAgent } from '../harness/raw-agent.js';
import { tempDir } from '../harness/tmp.js';

const FLEET = 5000;
const SECRET = 'board-scale-enroll-secret-01';
const SITES = ['jakarta', 'surabaya', 'bandung', 'medan', 'bali'];

/** What machine i is seeded as. */
function seeded(i: number): { check: 'fail' | 'warn' | null; signedOff: boolean; silent: boolean; verdict: string } {
  const check = i % 17 === 0 ? 'fail' : i % 11 === 0 ? 'warn' : null;
  const signedOff = i % 23 === 0;
  const silent = i % 97 === 0;
  const verdict = signedOff ? 'offline_expected' : silent ? 'unknown' : check === 'fail' ? 'not_ready' : check === 'warn' ? 'degraded' : 'ready';
  return { check, signedOff, silent, verdict };
}

/** 5,000 machines written straight into the store: mostly ready, some failing, warning, signed off or never heard from. */
function seedFleet(dataDir: string, now: number): void {
  const db = openDatabase(dataDir);
  const host = db.prepare(`INSERT INTO hosts (id, agent_id, hostname, os_json, site, grp, tags_json, enrolled_at) VALUES (?, ?, ?, '{"platform":"win32","release":"10.0.19045"}', ?, ?, '[]', ?)`);
  const readiness = db.prepare(
    `INSERT INTO host_readiness (host_id, verdict, expected, since, reasons_json, checks_json, last_live_at, goodbye_reason, goodbye_at, updated_at) VALUES (?, 'unknown', 0, ?, '[]', ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < FLEET; i++) {
      const id = randomUUID();
      host.run(id, randomUUID(), `ws-${String(i).padStart(5, '0')}`, SITES[i % SITES.length], i % 3 === 0 ? 'finance' : 'office', now);
      const { check, signedOff, silent } = seeded(i);
      const checks = check === 'fail' ? [{ name: 'disk_space', instance: 'C:', status: 'fail', reason: `Disk C: ${i % 9}% free (needs 10%)` }] : check === 'warn' ? [{ name: 'memory', status: 'warn', reason: 'Memory 8% available' }] : [];
      readiness.run(id, now, JSON.stringify(checks), silent ? null : now, signedOff ? 'shutdown' : null, signedOff ? now + 1 : null, now);
    }
  })();
  db.close();
}

describe.skipIf(!hasChromium)('board with 5,000 machines', () => {
  const tmp = tempDir('board-scale');
  let collector: RunningCollector;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  const measured: Record<string, number> = {};

  beforeAll(async () => {
    const dataDir = path.join(tmp.dir, 'collector-data');
    seedFleet(dataDir, Date.now());
    const policyFile = path.join(tmp.dir, 'policy.yaml');
    // Long interval and freshness: the seeded machines stay as seeded while the test runs.
    writeFileSync(policyFile, YAML.stringify({ defaults: { interval: '1h', freshness: '2h' } }));
    collector = await startCollector(tmp.dir, { dataDir, policyFile, enroll: { secrets: [SECRET] } });
    browser = await launchBrowser({ width: 1600, height: 1000 });
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.stop();
    tmp.remove();
    console.log(`board with ${FLEET} hosts (ms): ${JSON.stringify(measured)}`);
  });

  it('renders the whole fleet building only the tiles in view, and scrolls to the last machine', async () => {
    const { page } = browser;
    const password = readFileSync(path.join(collector.dataDir, 'initial-admin-password'), 'utf8').trim();
    await signIn(page, collector.url, 'admin', password);
    // Measure a cold page load with the session in place: HTML, scripts, /v1/hosts, first grid.
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('siaga:grid-rendered').length > 0, null, { timeout: 30_000 });
    const marks = await page.evaluate(() => ({
      loaded: performance.getEntriesByName('siaga:fleet-loaded')[0]?.startTime ?? NaN,
      rendered: performance.getEntriesByName('siaga:grid-rendered')[0]?.startTime ?? NaN,
      fetch: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((r) => r.name.endsWith('/v1/hosts'))?.duration ?? NaN,
    }));
    measured.pageLoadToGrid = Math.round(marks.rendered);
    measured.hostsFetch = Math.round(marks.fetch);
    measured.fleetToGrid = Math.round(marks.rendered - marks.loaded);

    const total = await page.evaluate(() => Array.from(document.querySelectorAll('#summary button b')).reduce((n, b) => n + Number(b.textContent), 0));
    expect(total).toBe(FLEET);
    const expected: Record<string, number> = {};
    for (let i = 0; i < FLEET; i++) expected[seeded(i).verdict] = (expected[seeded(i).verdict] ?? 0) + 1;
    for (const [verdict, n] of Object.entries(expected)) expect(await page.textContent(`#summary [data-verdict=${verdict}] b`), verdict).toBe(String(n));
    const tiles = await page.locator('.tile').count();
    expect(tiles).toBeGreaterThan(20);
    expect(tiles).toBeLessThan(400);
    // Worst first: the first tile is a machine that is not ready.
    expect(await page.locator('.tile').first().getAttribute('class')).toContain('v-not_ready');
    await page.screenshot({ path: artifact('board-5000.png') });

    await page.evaluate(() => {
      const grid = document.querySelector('#grid') as HTMLElement;
      grid.scrollTop = grid.scrollHeight;
    });
    await page.waitForSelector('.tile:has-text("ws-04999"), .tile:has-text("ws-04998")');
    expect(await page.locator('.tile').count()).toBeLessThan(400);
  });

  it('filters 5,000 machines as you type', async () => {
    const { page } = browser;
    const ms = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const grid = document.querySelector('#grid') as HTMLElement;
          const input = document.querySelector('input[type=search]') as HTMLInputElement;
          const start = performance.now();
          grid.addEventListener('rendered', () => resolve(performance.now() - start), { once: true });
          input.value = 'ws-0421';
          input.dispatchEvent(new Event('input'));
        }),
    );
    measured.filterToGrid = Math.round(ms);
    await expect.poll(() => page.locator('.tile').count()).toBe(10);
    expect(await page.locator('.tile .name').allTextContents()).toEqual(expect.arrayContaining(['ws-04210', 'ws-04219']));
  });

  it('rotates through the sites on a kiosk screen, showing the machines that need attention', async () => {
    const kiosk = await browser.context.newPage();
    // A 4K wall screen: each site's machines needing attention fit on one page.
    await kiosk.setViewportSize({ width: 3840, height: 2160 });
    await kiosk.goto(`${collector.url}/?kiosk=1&rotate=3`);
    const title = kiosk.locator('.kiosk-head > div');
    // Once the fleet is in, the screen names a site and how many of its machines are ready.
    const siteOf = (text: string | null) => SITES.find((s) => new RegExp(`^${s} — \\d+ of ${FLEET / SITES.length} ready$`).test(text ?? ''));
    await expect.poll(async () => siteOf(await title.textContent()), { timeout: 15_000 }).toBeDefined();
    const first = siteOf(await title.textContent());
    const classes = await kiosk.locator('.tile').evaluateAll((tiles) => tiles.map((t) => t.className));
    expect(classes.length).toBeGreaterThan(0);
    expect(classes.filter((c) => c.includes('v-ready') || c.includes('v-offline-expected'))).toEqual([]);
    await expect.poll(async () => siteOf(await title.textContent()), { timeout: 10_000 }).not.toBe(first);
    await kiosk.screenshot({ path: artifact('kiosk-5000.png') });
    await kiosk.close();
  });

  it('receives one changed machine as a delta, not the fleet, and shows it without a reload', async () => {
    const { page } = browser;
    await page.fill('input[type=search]', 'ws-live');
    // A second listener, outside the page, counts what one change sends.
    const controller = new AbortController();
    const stream = await collector.api('/v1/events/stream', { signal: controller.signal });
    const reader = stream.body!.getReader();
    let text = '';
    const hostsEvent = (async () => {
      for (;;) {
        text += new TextDecoder().decode((await reader.read()).value);
        const m = /event: hosts\ndata: (.*)\n\n/.exec(text);
        if (m) return JSON.parse(m[1] as string) as { hosts: Array<{ hostname: string; verdict: string }> };
      }
    })();
    const agent = new RawAgent(collector.url, 'ws-live');
    await agent.enroll(SECRET);
    await agent.connect();
    agent.hello();
    const welcome = (await agent.next((f) => f.type === 'welcome')) as { policy: { version: string } };
    agent.report(1, { policyVersion: welcome.policy.version, checks: [{ name: 'disk_space', instance: 'C:', status: 'fail', reason: 'Disk C: 2% free (needs 10%)' }] });
    const event = await hostsEvent;
    controller.abort();
    expect(event.hosts.length).toBeLessThan(5);
    expect(event.hosts.map((h) => h.hostname)).toContain('ws-live');
    await page.waitForSelector('.tile.v-not_ready:has-text("ws-live")', { timeout: 10_000 });
    expect(await page.textContent('.tile:has-text("ws-live") .reason')).toBe('Disk C: 2% free (needs 10%)');
    agent.ws.close();
  });
});
