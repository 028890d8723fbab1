import { randomBytes } from 'node:crypto';
import type { Server } from 'restify';

const LIFETIME_MS = 60 * 60_000;

/**
 * `report` answers with a link to the CSV, served here for an hour under an unguessable name: Teams
 * cannot take a file from a bot in a channel without a consent step per user.
 */
export class ReportLinks {
  private readonly reports = new Map<string, { csv: string; expires: number }>();

  constructor(private readonly publicUrl: string) {}

  register(server: Server): void {
    server.get('/api/reports/:token', async (req, res) => {
      const report = this.reports.get(String(req.params.token));
      if (!report || report.expires < Date.now()) {
        res.json(404, { error: 'This report link has expired; ask the bot for a new `report`.' });
        return;
      }
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="license-migration-report.csv"');
      res.writeHead(200);
      res.end(report.csv);
    });
  }

  publish(csv: string, now = Date.now()): string {
    for (const [token, report] of this.reports)
      if (report.expires < now) this.reports.delete(token);
    const token = randomBytes(32).toString('base64url');
    this.reports.set(token, { csv, expires: now + LIFETIME_MS });
    return `${this.publicUrl.replace(/\/$/, '')}/api/reports/${token}`;
  }
}
