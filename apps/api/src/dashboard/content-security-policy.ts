/**
 * Content-Security-Policy for the dashboard's own responses (helmet's global CSP is off because
 * the Swagger UI at /docs needs inline scripts). Everything loads from this origin: no inline
 * scripts or styles, no CDN. Images may be `blob:` URLs (previews fetched with the API key).
 */
export type PagePolicy = 'dashboard' | 'example';

const COMMON = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

export function contentSecurityPolicy(policy: PagePolicy): string {
  // The example page may load a model from a URL the user types (another Facestyle API, a file host).
  const connect = policy === 'example' ? "connect-src 'self' http: https:" : "connect-src 'self'";
  return [...COMMON, connect].join('; ');
}
