import type { Format, Notification } from '../types.js';
import { alertmanagerPayload } from './alertmanager.js';
import type { FormatOptions } from './common.js';
import { pagerdutyEvent } from './pagerduty.js';
import { slackPayload } from './slack.js';

export type { FormatOptions } from './common.js';

/** The JSON body a receiver of `format` gets for `notification`. */
export function renderBody(format: Format, notification: Notification, options: FormatOptions): string {
  switch (format) {
    case 'alertmanager':
      return JSON.stringify(alertmanagerPayload(notification, options));
    case 'slack':
      return JSON.stringify(slackPayload(notification));
    case 'pagerduty':
      return JSON.stringify(pagerdutyEvent(notification, options));
  }
}
