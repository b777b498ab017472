/** The built-in alert rules. */
export const RULE_NAMES = ['host_not_ready', 'host_offline', 'clock_skew', 'agent_buffer', 'influx_write', 'site_outage'] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export const ALERT_STATES = ['pending', 'firing', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** Host id of alerts about the collector itself (InfluxDB writes). */
export const COLLECTOR_HOST = 'collector';
/** Host id of a site-wide alert: `site:hq`. */
export const siteHost = (site: string) => `site:${site}`;

/** One evaluation of one alert condition: is it active now, and why. */
export interface Sample {
  /** `host/rule/check/instance`: identifies the condition across episodes. */
  key: string;
  rule: RuleName;
  hostId: string;
  active: boolean;
  /** alertname, host, hostname, site, group, check, instance, severity (empty values left out). */
  labels: Record<string, string>;
  summary: string;
  /** Why it is active, in the words of the check: the notification's description. */
  reason: string;
  /** Pending → firing after this long. */
  forMs: number;
  /** Consecutive healthy samples before firing → resolved. */
  clearAfter: number;
}

/** One episode of one condition: pending → firing → resolved. */
export interface Alert {
  id: string;
  key: string;
  rule: RuleName;
  hostId: string;
  groupKey: string;
  labels: Record<string, string>;
  summary: string;
  reason: string;
  state: AlertState;
  /** When the condition became active (pending since). */
  activeSince: number;
  forMs: number;
  clearAfter: number;
  firedAt: number | null;
  resolvedAt: number | null;
  /** First time a notification carried this alert as firing. */
  notifiedAt: number | null;
  /** A resolved alert is closed once its resolution was announced (or nobody had been told). */
  closed: boolean;
  healthyStreak: number;
  ackedBy: string | null;
  ackedAt: number | null;
  /** Why it is not notified: `silence:<id>`, `maintenance`, `inhibited:<alert id>`, `flapping`; null when it is. */
  suppressedBy: string | null;
  updatedAt: number;
}

export const EVENT_TYPES = [
  'pending',
  'fired',
  'cleared',
  'notified',
  'escalated',
  'acknowledged',
  'silenced',
  'maintenance',
  'inhibited',
  'unsuppressed',
  'flapping',
  'flap_stopped',
  'resolved',
] as const;
export type AlertEventType = (typeof EVENT_TYPES)[number];

/** One line of a machine's repair record. */
export interface AlertEvent {
  alertId: string;
  hostId: string;
  rule: RuleName;
  at: number;
  type: AlertEventType;
  /** E.g. the reason, the tier and delivery ids, who acknowledged. */
  detail: Record<string, unknown>;
}

/** Dispatch state of one alert group (site × rule), persisted so a restart never repeats a page. */
export interface Group {
  key: string;
  site: string;
  rule: RuleName;
  /** First eligible firing alert seen: the first notification waits `groupWait` from here. */
  createdAt: number;
  /** First notification of the current episode; null before it. */
  episodeStart: number | null;
  /** Escalation delays count from here (reset when a new alert arrives after an acknowledgement). */
  escalationStart: number | null;
  /** Highest tier index paged in this episode; −1 before the first notification. */
  tier: number;
  escalationPolicy: string;
  lastFlushAt: number | null;
  lastSentAt: number | null;
  /** What the receivers were last told: sorted `id:status` of the alerts notified. */
  snapshot: string;
  ackedBy: string | null;
  ackedAt: number | null;
}
