import { describe, expect, it } from 'vitest';
import { acknowledged, firing, golden, outage, resolved } from './fixtures.testutil.js';
import { renderBody } from './index.js';
import { type SlackBlock, slackPayload } from './slack.js';

const buttons = (blocks: SlackBlock[]) => blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.text.text) : []));

describe('slack format', () => {
  it.each([
    ['slack-firing', firing],
    ['slack-acknowledged', acknowledged],
    ['slack-resolved', resolved],
    ['slack-outage', outage],
  ] as const)('renders %s like the golden file', (name, notification) => {
    expect(JSON.parse(renderBody('slack', notification, { maxAlerts: 0 }))).toEqual(golden(name));
  });

  it('puts the reason and the acknowledge link in the notification text and a button', () => {
    const body = slackPayload(firing);
    expect(body.text).toContain('Disk C: 3% free (needs 10%)');
    expect(body.text).toContain(`<${firing.acknowledgeUrl}|Acknowledge>`);
    expect(buttons(body.blocks)).toEqual(['Acknowledge', 'Open board']);
  });

  it('offers no acknowledge button once acknowledged or resolved', () => {
    expect(buttons(slackPayload(acknowledged).blocks)).toEqual(['Open board']);
    expect(buttons(slackPayload(resolved).blocks)).toEqual(['Open board']);
  });

  it('escapes mrkdwn control characters coming from reasons', () => {
    const alert = { ...firing.alerts[0]!, annotations: { summary: 'ERP <down> & out', description: 'GET https://erp/<x> failed & timed out' } };
    const body = JSON.stringify(slackPayload({ ...firing, alerts: [alert] }));
    expect(body).toContain('ERP &lt;down&gt; &amp; out');
    expect(body).toContain('https://erp/&lt;x&gt; failed &amp; timed out');
  });

  it('stays within Slack limits for a very large group', () => {
    const many = { ...outage, alerts: Array.from({ length: 500 }, (_, i) => ({ ...outage.alerts[0]!, id: `h${i}`, annotations: { summary: 'x'.repeat(400), description: 'y'.repeat(5_000) } })) };
    const body = slackPayload(many);
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    for (const block of body.blocks) {
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
      if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(3_000);
    }
  });
});
