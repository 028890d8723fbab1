/** A one-line reason for a failure, including the network cause that `fetch failed` hides. */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return `${error.message}: ${code ? `${code} ` : ''}${cause.message}`
      .replace(/\s+/g, ' ')
      .trim();
  }
  // The Graph client reports a request that got no HTTP answer as statusCode -1 and drops the cause.
  if ((error as { statusCode?: number }).statusCode === -1) {
    const answer = 'no HTTP answer (unreachable, refused, or its certificate is not trusted)';
    return error.message ? `${error.message}: ${answer}` : answer;
  }
  return error.message;
}
