import { ErrorCode, SiagaError } from '@siaga/shared';

export interface CollectorUrls {
  enroll: URL;
  agent: URL;
  base: URL;
  secure: boolean;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/**
 * Derives the enroll and WebSocket endpoints from the configured base URL and refuses plain
 * text to anything but loopback unless the operator explicitly allowed it.
 */
export function collectorUrls(raw: string, allowInsecure: boolean): CollectorUrls {
  const base = new URL(raw);
  const secure = base.protocol === 'https:' || base.protocol === 'wss:';
  if (!secure && !allowInsecure && !LOOPBACK.test(base.hostname)) {
    throw new SiagaError(
      ErrorCode.invalidConfig,
      `collector.url: ${base.protocol}//${base.host} is not encrypted; use https:// (or set collector.allowInsecure: true on a trusted network)`,
      { path: 'collector.url' },
    );
  }
  const httpBase = new URL(base);
  httpBase.protocol = secure ? 'https:' : 'http:';
  const prefix = httpBase.pathname.replace(/\/+$/, '');
  const enroll = new URL(`${prefix}/v1/enroll`, httpBase);
  const agent = new URL(`${prefix}/v1/agent`, httpBase);
  agent.protocol = secure ? 'wss:' : 'ws:';
  return { enroll, agent, base: httpBase, secure };
}
