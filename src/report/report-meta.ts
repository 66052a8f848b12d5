/** What a report builder is told besides the result: where it came from and when (never read from the clock here). */
export interface ReportMeta {
  readonly source: string;
  readonly createdAt?: string;
}
