import type { Notification, NotificationAlert } from '../types.js';
import { clip, groupReason, hostOf, title } from './common.js';

/** Alerts listed one by one; the rest are counted. Keeps the message readable and under Slack's 50 blocks. */
const LISTED_ALERTS = 10;

type Text = { type: 'plain_text' | 'mrkdwn'; text: string };
export type SlackBlock =
  | { type: 'header'; text: Text }
  | { type: 'section'; text: Text }
  | { type: 'context'; elements: Text[] }
  | { type: 'actions'; elements: Array<{ type: 'button'; text: Text; url: string; style?: 'primary' }> };

export interface SlackPayload {
  /** Shown in notifications and by clients without blocks. */
  text: string;
  blocks: SlackBlock[];
}

/** Slack mrkdwn control characters. */
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const link = (url: string, label: string): string => `<${url.replace(/[<>|]/g, encodeURIComponent)}|${esc(label)}>`;

function alertSection(a: NotificationAlert): SlackBlock {
  const icon = a.status === 'firing' ? ':red_circle:' : ':large_green_circle:';
  const where = a.labels.site ? ` (${esc(a.labels.site)})` : '';
  const lines = [`${icon} *${esc(hostOf(a.labels))}*${where} — ${esc(clip(a.annotations.summary, 300))}`, esc(clip(a.annotations.description, 1_500))];
  const links = [a.url ? link(a.url, 'Details') : '', a.annotations.runbook_url ? link(a.annotations.runbook_url, 'Runbook') : ''].filter(Boolean);
  if (links.length > 0) lines.push(links.join(' · '));
  // Slack rejects section text over 3000 characters.
  return { type: 'section', text: { type: 'mrkdwn', text: clip(lines.join('\n'), 3_000) } };
}

/** A Slack incoming-webhook message (also accepted by Mattermost and Rocket.Chat). */
export function slackPayload(n: Notification): SlackPayload {
  const heading = title(n);
  const firing = n.status === 'firing';
  const ack = firing && n.acknowledgedBy === undefined ? ` ${link(n.acknowledgeUrl, 'Acknowledge')}` : '';

  const context = [`*Tier:* ${esc(n.receiver)}`];
  if (n.acknowledgedBy !== undefined) context.push(`*Acknowledged by* ${esc(n.acknowledgedBy)}`);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(heading, 150) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] },
    ...n.alerts.slice(0, LISTED_ALERTS).map(alertSection),
  ];
  const more = n.alerts.length - LISTED_ALERTS;
  if (more > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${more} more on ${link(n.boardUrl, 'the board')}` }] });

  const buttons: Extract<SlackBlock, { type: 'actions' }>['elements'] = [];
  if (firing && n.acknowledgedBy === undefined) buttons.push({ type: 'button', text: { type: 'plain_text', text: 'Acknowledge' }, url: n.acknowledgeUrl, style: 'primary' });
  buttons.push({ type: 'button', text: { type: 'plain_text', text: 'Open board' }, url: n.boardUrl });
  blocks.push({ type: 'actions', elements: buttons });

  return { text: `${esc(clip(`${heading} — ${groupReason(n.alerts)}`, 2_000))}${ack}`, blocks };
}
