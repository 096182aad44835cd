// The page's URL as app state: which route is showing, kept in the address bar and history.
import type { Navigation } from '../app/Navigation';
import { parseRoute, routePath, type Route } from '../app/RoomLink';

/** The part of `window` the router uses; a test passes a fake. */
export interface RouterWindow {
  readonly location: { pathname: string; hash: string; origin: string };
  readonly history: Pick<History, 'pushState' | 'replaceState'>;
  addEventListener(type: 'popstate', listener: () => void): void;
  removeEventListener(type: 'popstate', listener: () => void): void;
}

/**
 * Keeps the URL and the app's route in step: `go` writes the URL, back/forward (popstate)
 * reports the route the user moved to. While a room is open the URL is that room's link.
 */
export class Router implements Navigation {
  private readonly win: RouterWindow;
  private readonly listeners = new Set<(route: Route) => void>();
  private destroyed = false;

  constructor(win: RouterWindow = window) {
    this.win = win;
    this.win.addEventListener('popstate', this.onPopState);
  }

  /** The route the URL names now. */
  current(): Route {
    return parseRoute(this.win.location);
  }

  get origin(): string {
    return this.win.location.origin;
  }

  /** Shows `route` in the address bar; a new history entry unless `replace` or unchanged. */
  go(route: Route, options: { replace?: boolean } = {}): void {
    const path = routePath(route);
    const now = this.win.location.pathname + this.win.location.hash;
    if (path === now) return;
    if (options.replace) this.win.history.replaceState(null, '', path);
    else this.win.history.pushState(null, '', path);
  }

  /** Calls `listener` when the user moves through history; returns an unsubscribe function. */
  onChange(listener: (route: Route) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.win.removeEventListener('popstate', this.onPopState);
    this.listeners.clear();
  }

  private readonly onPopState = (): void => {
    const route = this.current();
    for (const listener of [...this.listeners]) listener(route);
  };
}
