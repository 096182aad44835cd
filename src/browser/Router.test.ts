import { expect } from '@esm-bundle/chai';
import { Router, type RouterWindow } from './Router';

class FakeWindow implements RouterWindow {
  location = { pathname: '/', hash: '', origin: 'https://chat.example' };
  readonly pushed: string[] = [];
  private listener: (() => void) | undefined;
  readonly history = {
    pushState: (_data: unknown, _unused: string, url?: string | URL | null) => {
      this.move(String(url));
      this.pushed.push(String(url));
    },
    replaceState: (_data: unknown, _unused: string, url?: string | URL | null) => {
      this.move(String(url));
    },
  };
  addEventListener(_type: 'popstate', listener: () => void): void {
    this.listener = listener;
  }
  removeEventListener(): void {
    this.listener = undefined;
  }
  move(path: string): void {
    const url = new URL(path, this.location.origin);
    this.location = { ...this.location, pathname: url.pathname, hash: url.hash };
  }
  back(path: string): void {
    this.move(path);
    this.listener?.();
  }
}

describe('Router', () => {
  it('writes a room route as the room link, password in the fragment', () => {
    const win = new FakeWindow();
    const router = new Router(win);
    router.go({ kind: 'room', roomId: 'room-1234', password: 'pw' });
    expect(win.location.pathname).to.equal('/r/room-1234');
    expect(win.location.hash).to.equal('#k=pw');
    expect(router.current()).to.deep.equal({ kind: 'room', roomId: 'room-1234', password: 'pw' });
  });

  it('adds no history entry for the route already shown', () => {
    const win = new FakeWindow();
    const router = new Router(win);
    router.go({ kind: 'room', roomId: 'room-1234' });
    router.go({ kind: 'room', roomId: 'room-1234' });
    expect(win.pushed).to.deep.equal(['/r/room-1234']);
  });

  it('reports back/forward moves, and stops after destroy', () => {
    const win = new FakeWindow();
    const router = new Router(win);
    const seen: unknown[] = [];
    router.onChange((route) => seen.push(route));
    win.back('/r/other-room#k=x');
    expect(seen).to.deep.equal([{ kind: 'room', roomId: 'other-room', password: 'x' }]);
    router.destroy();
    router.destroy();
    win.back('/');
    expect(seen.length).to.equal(1);
  });
});
