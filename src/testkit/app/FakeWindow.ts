// A window for Router in tests: a location at https://chat.example that history calls move.
// Not part of the app.
import type { RouterWindow } from '../../browser/Router';

export class FakeWindow implements RouterWindow {
  location = { pathname: '/', hash: '', origin: 'https://chat.example' };
  readonly history = {
    pushState: (_d: unknown, _u: string, url?: string | URL | null) => this.move(String(url)),
    replaceState: (_d: unknown, _u: string, url?: string | URL | null) => this.move(String(url)),
  };
  addEventListener(): void {}
  removeEventListener(): void {}
  move(path: string): void {
    const url = new URL(path, this.location.origin);
    this.location = { ...this.location, pathname: url.pathname, hash: url.hash };
  }
}
