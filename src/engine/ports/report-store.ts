/** Where `report` puts its CSV: a link that opens that one file, for a short while (src/storage/report-blobs.ts). */
export interface ReportStore {
  publish(csv: string, now: Date): Promise<{ readonly url: string; readonly expiresAt: Date }>;
}
