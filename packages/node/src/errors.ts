/** The orchestrator refused this node; retrying will not help until the page is reloaded. */
export class RefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RefusedError';
  }
}
