import type { FastifyReply, FastifyRequest } from 'fastify';

/** bull-board's page links its fonts (IBM Plex) from Google Fonts. */
const OUTSIDE_FONTS =
  /<link\b[^>]*\bhref="https:\/\/fonts\.(?:googleapis|gstatic)\.com\/[^>]*>\s*/gi;

/**
 * An onSend hook for the dashboard: drops the Google Fonts stylesheet from
 * bull-board's page, so that opening the dashboard makes no request to
 * another host (the operator's browser need not reach the internet, and
 * nobody else learns who opens it when). The page falls back to the
 * browser's sans-serif and monospace fonts; bull-board has no option for it.
 */
export function dropOutsideFonts(
  _request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  const type = reply.getHeader('content-type');
  if (typeof payload !== 'string' || typeof type !== 'string' || !type.startsWith('text/html')) {
    return Promise.resolve(payload);
  }
  return Promise.resolve(payload.replace(OUTSIDE_FONTS, ''));
}
