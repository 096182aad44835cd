import type { Route } from './RoomLink';

/** Where the user is (the URL) and how the app moves them: browser/Router is the real one. */
export interface Navigation {
  /** The app's origin, for the links it shares. */
  readonly origin: string;
  current(): Route;
  /** Shows `route`: a new history entry, or in place of the current one with `replace`. */
  go(route: Route, options?: { replace?: boolean }): void;
  /** Told when the user moves (back, forward); returns an unsubscribe function. */
  onChange(listener: (route: Route) => void): () => void;
}
