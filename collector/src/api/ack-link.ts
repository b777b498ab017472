import { SiagaError } from '@siaga/shared';
import express, { type Response, Router } from 'express';
import { type AckClaim, type AlertService, verifyAck } from '../alerts/index.js';

export interface AckLinkDeps {
  alerts: AlertService;
  now: () => number;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .type('html')
    .set('cache-control', 'no-store')
    // The page is a form posting to itself; nothing else may load or frame it.
    .set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    .set('referrer-policy', 'no-referrer')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title>` +
        `<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}li{margin:.3rem 0}button{font-size:1rem;padding:.4rem 1rem}</style></head>` +
        `<body><h1>${escape(title)}</h1>${body}</body></html>`,
    );
}

const REFUSED: Record<'malformed' | 'bad_signature' | 'expired', [number, string]> = {
  malformed: [400, 'This acknowledge link is damaged. Open it again from the notification, or acknowledge on the board.'],
  bad_signature: [403, 'This acknowledge link is not valid for this collector.'],
  expired: [410, 'This acknowledge link has expired. Acknowledge on the board instead.'],
};

/**
 * The acknowledge link in every notification: GET shows what will be acknowledged and asks for
 * a name (link scanners in mail gateways follow GETs, so only the POST acknowledges).
 */
export function ackLinkRouter(deps: AckLinkDeps): Router {
  const router = Router();
  const verify = (token: string, res: Response): AckClaim | undefined => {
    const v = verifyAck(deps.alerts.ackKey, token, deps.now());
    if (v.ok) return v.claim;
    const [status, message] = REFUSED[v.reason];
    page(res, status, 'Cannot acknowledge', `<p>${escape(message)}</p>`);
    return undefined;
  };

  router.get('/v1/ack/:token', (req, res) => {
    const claim = verify(req.params.token, res);
    if (!claim) return;
    const alerts = deps.alerts.engine.openAlerts().filter((a) => a.groupKey === claim.g && a.state !== 'resolved');
    if (alerts.length === 0) return page(res, 404, 'Nothing to acknowledge', `<p>The alerts of ${escape(claim.g)} have resolved.</p>`);
    const items = alerts.map((a) => `<li><b>${escape(a.labels.hostname ?? a.labels.site ?? a.hostId)}</b>: ${escape(a.reason)}${a.ackedBy ? ` <i>(acknowledged by ${escape(a.ackedBy)})</i>` : ''}</li>`).join('');
    page(
      res,
      200,
      `Acknowledge ${alerts.length} alert${alerts.length === 1 ? '' : 's'}?`,
      `<p>${escape(claim.g)}</p><ul>${items}</ul><form method="post"><label>Your name <input name="by" value="${escape(claim.n)}" maxlength="128" required></label> <button type="submit">Acknowledge</button></form>` +
        '<p>Acknowledging stops escalation to the next support tier.</p>',
    );
  });

  router.post('/v1/ack/:token', express.urlencoded({ extended: false, limit: '4kb' }), express.json({ limit: '4kb' }), (req, res) => {
    const claim = verify(req.params.token, res);
    if (!claim) return;
    const given = (req.body as { by?: unknown } | undefined)?.by;
    const by = typeof given === 'string' && given.trim() !== '' ? given.trim().slice(0, 128) : claim.n;
    try {
      const acked = deps.alerts.engine.acknowledgeGroup(claim.g, by, `link (${claim.n})`);
      page(res, 200, 'Acknowledged', `<p>${acked.length} alert${acked.length === 1 ? '' : 's'} of ${escape(claim.g)} acknowledged by ${escape(by)}. Escalation stopped.</p>`);
    } catch (err) {
      if (err instanceof SiagaError) return page(res, 404, 'Nothing to acknowledge', `<p>${escape(err.message)}</p>`);
      throw err;
    }
  });

  return router;
}
