import { appendFile, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';

/** One alert as Alertmanager's webhook sends it, and as `cluster alerts` reads it back. */
export interface ReceivedAlert {
  received_at: string;
  status: 'firing' | 'resolved';
  alertname: string;
  component: string;
  severity: string;
  summary: string;
  starts_at: string;
  ends_at: string;
  fingerprint: string;
}

interface WebhookBody {
  alerts?: Array<{
    status?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    startsAt?: string;
    endsAt?: string;
    fingerprint?: string;
  }>;
}

/**
 * The launcher's webhook receiver (`bazaar alert-receiver`): every alert Alertmanager sends, firing
 * or resolved, appended as one JSON line to `file`. Alertmanager retries a delivery that fails, so
 * an alert is written only once the line is on disk.
 */
export function serveAlertReceiver(host: string, port: number, file: string): Promise<void> {
  const server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/alerts') {
      response.writeHead(request.url === '/health' ? 200 : 404).end();
      return;
    }
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      let parsed: WebhookBody;
      try {
        parsed = JSON.parse(body) as WebhookBody;
      } catch {
        response.writeHead(400).end();
        return;
      }
      const now = new Date().toISOString();
      const lines = (parsed.alerts ?? []).map((a) =>
        JSON.stringify({
          received_at: now,
          status: a.status === 'resolved' ? 'resolved' : 'firing',
          alertname: a.labels?.alertname ?? '',
          component: a.labels?.component ?? '',
          severity: a.labels?.severity ?? '',
          summary: a.annotations?.summary ?? '',
          starts_at: a.startsAt ?? '',
          ends_at: a.endsAt ?? '',
          fingerprint: a.fingerprint ?? '',
        } satisfies ReceivedAlert),
      );
      appendFile(file, lines.map((l) => `${l}\n`).join('')).then(
        () => response.writeHead(200).end(),
        () => response.writeHead(500).end(),
      );
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** Every alert received, oldest first, from the text of the receiver's file. */
export function parseReceivedAlerts(text: string): ReceivedAlert[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ReceivedAlert);
}

/** Every alert received, oldest first. */
export async function readReceivedAlerts(file: string): Promise<ReceivedAlert[]> {
  return parseReceivedAlerts(await readFile(file, 'utf8').catch(() => ''));
}

/** Each alert's latest word (by fingerprint): firing ones first, then resolved, newest first. */
export function latestAlerts(received: readonly ReceivedAlert[]): ReceivedAlert[] {
  const latest = new Map<string, ReceivedAlert>();
  for (const a of received) latest.set(a.fingerprint || `${a.alertname}/${a.component}/${a.starts_at}`, a);
  return [...latest.values()].sort(
    (a, b) =>
      Number(b.status === 'firing') - Number(a.status === 'firing') || b.starts_at.localeCompare(a.starts_at),
  );
}
