// Users of ChatApplication for its tests, over one RoomMesh: each with its own identity,
// window, settings and notifier. appUsers() is called inside a describe: it makes the mesh
// before each test, and destroys the apps and the mesh after.
import { DhKeys } from '../../direct/DhKeys';
import { MemoryDhKeyStore } from '../../direct/DhKeyStore';
import { Identity } from '../../identity/Identity';
import { MemoryKeyStore } from '../../identity/MemoryKeyStore';
import { Verifier } from '../../identity/Verifier';
import { ChatApplication } from '../../app/ChatApplication';
import type { ChatApplicationOptions } from '../../app/ChatApplicationOptions';
import { NameBook } from '../../app/NameBook';
import { MemoryNotifier } from '../../app/Notifier';
import { MemoryRoomDirectory } from '../../app/RoomDirectory';
import { Router } from '../../browser/Router';
import { MemorySettings } from '../../app/Settings';
import type { MemoryEventStore } from '../../storage/MemoryEventStore';
import { FakeWindow } from './FakeWindow';
import { RoomMesh } from './FakeRoom';

/** A room history that pages `store` and does nothing else. */
export function pagesOf(store: MemoryEventStore) {
  return {
    page: store.page.bind(store),
    exportRoom: () => Promise.resolve(''),
    importRoom: () => Promise.reject(new Error('no import here')),
    forgetRoom: () => Promise.resolve(),
    warning: () => undefined,
    onWarning: () => () => undefined,
  };
}

export interface TestUser {
  app: ChatApplication;
  win: FakeWindow;
  notifier: MemoryNotifier;
  hidden: { value: boolean };
}

/** The mesh of the running test, its apps (destroyed after it), and a way to add a user. */
export interface AppUsers {
  readonly mesh: RoomMesh;
  readonly apps: ChatApplication[];
  readonly user: (
    name: string | undefined,
    path?: string,
    extra?: Partial<ChatApplicationOptions>,
  ) => Promise<TestUser>;
}

export function appUsers(): AppUsers {
  let mesh = new RoomMesh();
  const apps: ChatApplication[] = [];
  beforeEach(() => {
    mesh = new RoomMesh();
  });
  afterEach(() => {
    for (const app of apps.splice(0)) app.destroy();
    mesh.destroy();
  });

  async function user(
    name: string | undefined,
    path = '/',
    extra: Partial<ChatApplicationOptions> = {},
  ): Promise<TestUser> {
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    const win = new FakeWindow();
    win.move(path);
    const settings = new MemorySettings();
    if (name) settings.setDisplayName(name);
    const notifier = new MemoryNotifier();
    const hidden = { value: false };
    const app = new ChatApplication({
      signer,
      verifier: new Verifier(),
      dh: await DhKeys.loadOrCreate(new MemoryDhKeyStore()),
      settings,
      directory: new MemoryRoomDirectory(),
      router: new Router(win),
      names: new NameBook(),
      openRoom: mesh.opener(signer),
      notifier,
      isHidden: () => hidden.value,
      ...extra,
    });
    apps.push(app);
    await app.start();
    return { app, win, notifier, hidden };
  }
  return {
    get mesh() {
      return mesh;
    },
    apps,
    user,
  };
}
