import { copyFileSync } from 'node:fs';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifact, hasChromium, launchBrowser, signIn } from '../harness/browser.js';
import { waitForVerdict } from '../harness/api.js';
import { type LoggedProcess, type RunningCollector, startAgent, startCollector } from '../harness/processes.js';
import { tempDir } from '../harness/tmp.js';

const SECRET = 'board-e2e-enroll-secret-0001';
const HOST = 'ws-board-01';
const PROGRAM = 'siaga-erp-client';
const OPERATOR = { name: 'tech-ana', password: 'ana-board-password-1' };

/**
 * The board in a real browser against a real collector and agent: sign in, watch a machine turn
 * red with its reason when the program its policy requires stops, acknowledge the alert, write
 * the repair into the machine's log.
 */
describe.skipIf(!hasChromium)('readiness board in a browser (real collector, real agent)', () => {
  const tmp = tempDir('board');
  const program = path.join(tmp.dir, PROGRAM);
  let collector: RunningCollector;
  let agent: LoggedProcess;
  let running: ChildProcess | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  const startProgram = () => {
    running = spawn(program, ['3600'], { stdio: 'ignore' });
  };
  const stopProgram = async () => {
    const child = running;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };

  beforeAll(async () => {
    copyFileSync('/bin/sleep', program);
    startProgram();
    const policyFile = path.join(tmp.dir, 'policy.yaml');
    writeFileSync(
      policyFile,
      YAML.stringify({
        defaults: { interval: '15s', watchInterval: '1s', freshness: '30s' },
        sites: { hq: { timezone: 'Asia/Jakarta', description: 'Jakarta HQ' } },
        policies: [{ name: 'erp-desk', checks: { processes: { items: [{ name: PROGRAM }] } } }],
      }),
    );
    collector = await startCollector(tmp.dir, { enroll: { secrets: [SECRET] }, policyFile, alerts: { rules: { host_not_ready: { for: 0 } } } });
    const created = await collector.api('/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: OPERATOR.name, role: 'operator', password: OPERATOR.password }) });
    expect(created.status).toBe(201);
    agent = startAgent(tmp.dir, HOST, { collector: { url: collector.url, enrollSecret: SECRET }, labels: { site: 'hq', group: 'finance', tags: [] } });
    await waitForVerdict(collector.url, HOST, 'ready', 30_000);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stopProgram();
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('signs in, shows the machine green, then red with its reason as soon as the program stops — without a reload', async () => {
    const { page } = browser;
    await signIn(page, collector.url, OPERATOR.name, OPERATOR.password);
    await expect.poll(() => page.textContent('#me')).toContain('tech-ana · operator');
    const tile = page.locator(`.tile:has-text("${HOST}")`);
    await tile.waitFor();
    expect(await tile.getAttribute('class')).toContain('v-ready');
    // Anything that reloads the page would lose this.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    await stopProgram();
    await page.waitForSelector(`.tile.v-not_ready:has-text("${HOST}")`, { timeout: 20_000 });
    expect(await tile.locator('.reason').textContent()).toContain(PROGRAM);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(await page.textContent('#summary [data-verdict=not_ready] b')).toBe('1');
    await page.screenshot({ path: artifact('board.png') });
  });

  it('acknowledges the alert from the alerts page', async () => {
    const { page } = browser;
    await page.goto(`${collector.url}/#/alerts`);
    const row = page.locator('#alerts tr', { hasText: HOST });
    await row.waitFor({ timeout: 15_000 });
    await row.locator('button[data-ack]').click();
    await expect.poll(async () => page.locator('#alerts tr', { hasText: HOST }).textContent(), { timeout: 10_000 }).toContain('acknowledged by tech-ana');
    await page.screenshot({ path: artifact('alerts.png') });
  });

  it('records a repair in the machine’s maintenance log, next to the alert entries written for it', async () => {
    const { page } = browser;
    await page.click('#nav a[data-page=board]');
    await page.click(`.tile:has-text("${HOST}")`);
    await page.waitForSelector('#log-form');
    expect(await page.textContent('#reasons')).toContain(PROGRAM);
    await page.selectOption('#log-form select[name=kind]', 'repair');
    await page.fill('#log-form textarea[name=text]', 'Reinstalled the ERP client and set it to start at login');
    await page.click('#log-form button[type=submit]');
    const entry = page.locator('#host-log .log-entry', { hasText: 'Reinstalled the ERP client' });
    await entry.waitFor({ timeout: 10_000 });
    expect(await entry.textContent()).toContain('Repair · tech-ana');
    // The alert's own history: raised and acknowledged, written by the collector.
    await expect.poll(async () => page.locator('#host-log .log-entry.k-alert').allTextContents(), { timeout: 10_000 }).toEqual(
      expect.arrayContaining([expect.stringContaining('acknowledged by tech-ana'), expect.stringContaining(`Alert host_not_ready: ${PROGRAM}`)]),
    );
    const log = (await (await collector.api(`/v1/hosts/${page.url().split('/').at(-1)}/log`)).json()) as { entries: Array<{ kind: string; author: string; text: string }> };
    expect(log.entries).toContainEqual(expect.objectContaining({ kind: 'repair', author: 'tech-ana', text: 'Reinstalled the ERP client and set it to start at login' }));
    await page.screenshot({ path: artifact('host.png'), fullPage: true });
  });

  it('keeps an entry that arrives live while the log is still loading', async () => {
    const { page } = browser;
    const hostId = page.url().split('/').at(-1) as string;
    // Hold the first page of the log until the live feed has delivered a new entry.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const firstPage = (url: URL) => url.pathname === `/v1/hosts/${hostId}/log` && url.searchParams.get('limit') === '100';
    await page.route(firstPage, async (route) => {
      await held;
      await route.continue();
    });
    await page.reload();
    await page.waitForSelector('#log-form');
    // A second stream in the page tells when the feed has delivered the entry to the board's own.
    await page.evaluate(
      (text) =>
        new Promise<void>((opened) => {
          const source = new EventSource('/v1/events/stream');
          source.onopen = () => opened();
          (window as unknown as { heard: Promise<void> }).heard = new Promise((resolve) =>
            source.addEventListener('log', (ev) => {
              if ((ev as MessageEvent<string>).data.includes(text)) resolve(source.close());
            }),
          );
        }),
      'Checked the cabling',
    );
    const posted = await collector.api(`/v1/hosts/${hostId}/log`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'inspection', text: 'Checked the cabling' }) });
    expect(posted.status).toBe(201);
    await page.evaluate(() => (window as unknown as { heard: Promise<void> }).heard);
    release();
    await page.locator('#host-log .log-entry', { hasText: 'Reinstalled the ERP client' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#host-log .log-entry', { hasText: 'Checked the cabling' }).count()).toBe(1);
    await page.unroute(firstPage);
  });

  it('turns green again when the program is back, and works as a kiosk and on a phone', async () => {
    const { page, context } = browser;
    startProgram();
    await page.goto(`${collector.url}/#/`);
    await page.waitForSelector(`.tile.v-ready:has-text("${HOST}")`, { timeout: 20_000 });

    await page.goto(`${collector.url}/?kiosk=1`);
    await page.waitForSelector(`body.kiosk .tile:has-text("${HOST}")`);
    expect(await page.isVisible('header')).toBe(false);
    expect(await page.isVisible('input[type=search]')).toBe(false);
    await page.screenshot({ path: artifact('kiosk.png') });

    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${collector.url}/#/`);
    const tile = phone.locator(`.tile:has-text("${HOST}")`);
    await tile.waitFor();
    const box = await tile.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    await phone.screenshot({ path: artifact('board-phone.png') });
    await phone.close();
  });
});
