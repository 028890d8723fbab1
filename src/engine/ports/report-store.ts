/** Writes a report's CSV text, piece by piece, as the tenant is read. */
export type CsvWriter = (write: (text: string) => void) => Promise<void>;

/** Where `report` puts its CSV: a link that opens that one file, for a short while (src/storage/report-blobs.ts). */
export interface ReportStore {
  /** Stores what `writeCsv` writes as it writes it (never the whole report in memory), then links it. */
  publish(
    writeCsv: CsvWriter,
    now: Date
  ): Promise<{ readonly url: string; readonly expiresAt: Date }>;
}
