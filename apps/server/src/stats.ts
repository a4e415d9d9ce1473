/** Counters an operator (and the tests) can read at GET /v1/stats. */
export class ServerStats {
  private readonly downloads = new Map<string, number>();
  private downloadTotal = 0;

  moduleDownloaded(digest: string): void {
    this.downloads.set(digest, (this.downloads.get(digest) ?? 0) + 1);
    this.downloadTotal++;
  }

  moduleDownloads(): { total: number; byDigest: Record<string, number> } {
    return { total: this.downloadTotal, byDigest: Object.fromEntries(this.downloads) };
  }
}
