/**
 * A real local HTTP server on 127.0.0.1 standing in for the webhook receiver
 * (POST /webhook) and the SMS gateway (POST /sms). It records every request
 * and answers 200 unless a test scripted other answers for a notification.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  at: number;
}

/** An answer: an HTTP status (with headers), or 'drop' to cut the connection without answering. */
export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'drop';

export type OutsidePath = '/webhook' | '/sms';

/** The notification key a request belongs to: the webhook body's key; the SMS reference is `<key>:sms[:<userId>]`. */
function keyOf(path: string, body: { key?: string; reference?: string } | null): string | undefined {
  if (path === '/webhook') return body?.key;
  const ref = body?.reference;
  return ref ? ref.slice(0, ref.lastIndexOf(':sms')) : undefined;
}

export class OutsideReceiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, Reply[]>();
  private server: Server | null = null;
  private port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown = null;
        try {
          body = JSON.parse(raw);
        } catch {
          // kept raw
        }
        const path = req.url ?? '';
        this.received.push({ path, headers: req.headers, raw, body, at: Date.now() });
        const key = keyOf(path, body as never);
        const reply = (key && this.scripts.get(`${path} ${key}`)?.shift()) || { status: 200, body: '{"ok":true}' };
        if (reply === 'drop') {
          req.socket.destroy();
          return;
        }
        res.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers ?? {}) });
        res.end(reply.body ?? (reply.status < 300 ? '{"ok":true}' : `{"error":"status ${reply.status}"}`));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path: OutsidePath): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The next answers to requests for this notification on this path, in order (then 200). */
  answer(path: OutsidePath, key: string, ...replies: Reply[]): void {
    this.scripts.set(`${path} ${key}`, replies);
  }

  requestsFor(path: OutsidePath, key: string): Received[] {
    return this.received.filter((r) => r.path === path && keyOf(path, r.body) === key);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
