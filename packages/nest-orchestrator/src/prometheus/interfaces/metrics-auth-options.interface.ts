/**
 * Protects `GET /metrics` in production. Prometheus sends either form from its scrape config:
 * `authorization: { credentials: <token> }` for `bearer`, `basic_auth: { username, password }`
 * for `basic`. A request without matching credentials gets 401.
 */
export type MetricsAuthOptions =
  | { readonly type: 'bearer'; readonly token: string }
  | { readonly type: 'basic'; readonly username: string; readonly password: string };

/** Metadata put on the metrics route so the app's global auth guard lets scrapes through. */
export interface MetricsPublicMetadata {
  readonly key: string;
  readonly value: unknown;
}
