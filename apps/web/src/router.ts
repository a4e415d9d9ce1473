export type Route = 'dashboard' | 'contribute';

/** The server serves index.html for both paths; anything else falls back to the dashboard. */
export function routeFor(pathname: string): Route {
  return pathname.replace(/\/+$/, '') === '/contribute' ? 'contribute' : 'dashboard';
}
