import { CloseCode } from '@siaga/shared';
import WebSocket from 'ws';
import { type CheckLine, fail, pass } from './checklist.js';
import type { CaList } from './network.js';

const TIMEOUT_MS = 10_000;

type Handshake = { kind: 'open'; closeCode?: number } | { kind: 'refused'; status: number; body: string } | { kind: 'error'; message: string };

function handshake(url: URL, nodeKey: string, ca: CaList): Promise<Handshake> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${nodeKey}` }, handshakeTimeout: TIMEOUT_MS, perMessageDeflate: false, ...(ca ? { ca } : {}) });
    let settled = false;
    const settle = (answer: Handshake) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c.slice(0, 500)));
      res.on('end', () => settle({ kind: 'refused', status: res.statusCode ?? 0, body }));
      res.on('error', () => settle({ kind: 'refused', status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => {
      // The collector refuses a second connection for the same host right after the upgrade
      // (4409): that means the running agent holds it. Otherwise leave politely.
      const timer = setTimeout(() => {
        settle({ kind: 'open' });
        ws.close(CloseCode.normal, 'doctor');
      }, 500);
      ws.once('close', (code) => {
        clearTimeout(timer);
        settle({ kind: 'open', closeCode: code });
      });
    });
    ws.on('error', (err) => settle({ kind: 'error', message: err.message }));
  });
}

/** Does the collector accept this computer's node key? A real WebSocket handshake says. */
export async function checkNodeKey(agentUrl: URL, nodeKey: string | undefined, ca: CaList): Promise<CheckLine> {
  if (!nodeKey) {
    return {
      status: 'warn',
      text: 'Not enrolled yet (no node key in the state folder)',
      fix: 'The agent enrolls with the enroll secret when the service starts; if this stays, read the service log.',
    };
  }
  const answer = await handshake(agentUrl, nodeKey, ca);
  switch (answer.kind) {
    case 'open':
      return pass(answer.closeCode === CloseCode.duplicateIdentity ? 'The collector accepts this computer\'s node key (the running agent is connected)' : "The collector accepts this computer's node key");
    case 'refused':
      if (answer.status === 401) {
        return fail(
          "The collector refused this computer's node key (HTTP 401): it was revoked, or the collector's data was reset",
          'The agent enrolls again by itself with the enroll secret; restart the service to do it now. If it keeps failing, check the enroll secret.',
        );
      }
      if (answer.status === 404) return fail(`No agent endpoint at ${agentUrl.href} (HTTP 404)`, 'Check the path in collector.url: it is the collector\'s base URL.');
      return fail(`The collector answered the connection with HTTP ${answer.status}`, answer.status >= 500 ? "The collector has a problem: see the collector's log." : 'See the collector\'s log.');
    case 'error':
      return fail(`WebSocket connection to ${agentUrl.href} failed: ${answer.message}`, 'A proxy or firewall may block WebSocket upgrades: allow them to the collector.');
  }
}
