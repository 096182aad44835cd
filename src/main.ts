// The app's entry point: the only place that wires concrete adapters to the app state.
// First, before the rest of the app's code is evaluated: the identity, the storage and a room
// link's newest stored page are read from IndexedDB (startupReads.ts).
import { reads, webStorage } from './compose/startupReads';
import { ChatApplication } from './app/ChatApplication';
import { IdentityAccount } from './app/IdentityAccount';
import type { RoomHistory } from './app/StoredHistory';
import { DeferredRoom, loadRoomCode } from './compose/DeferredRoom';
import { PendingNetworkConfig } from './compose/PendingNetworkConfig';
import { parseRoute } from './app/RoomLink';
import { NameBook } from './app/NameBook';
import { BrowserNotifier } from './browser/BrowserNotifier';
import { Router } from './browser/Router';
import { DhKeys } from './direct/DhKeys';
import { IdbDhKeyStore } from './direct/DhKeyStore';
import { Identity } from './identity/Identity';
import { requestPersistence } from './identity/persistentStorage';
import { Verifier } from './identity/Verifier';
import { LiveNetworkConfig } from './net/LiveNetworkConfig';
import { fallbackNetworkConfig, fetchNetworkConfig } from './net/NetworkConfig';
import { registerPwa } from './pwa/registerPwa';
import { LocalSettings } from './storage/LocalSettings';
import './ui/ChatApp';
import { loadRoomView } from './ui/roomViewCode';

const memoryStorage = (): Pick<Storage, 'getItem' | 'setItem'> => {
  const map = new Map<string, string>();
  return { getItem: (key) => map.get(key) ?? null, setItem: (key, value) => map.set(key, value) };
};

async function start(): Promise<void> {
  const shell = document.querySelector('chat-app');
  // The network config (TURN credentials) is not waited for: a room's network starts only
  // after its stored state has loaded, and waits for the first fetch (failed or not) then.
  // That fetch starts once the first page is painted, off the way to it.
  const fallback = fallbackNetworkConfig();
  const network = new PendingNetworkConfig(
    fallback,
    // Fetched again before its TURN credentials expire, for as long as the page is open.
    firstPaint.then(() => LiveNetworkConfig.open({ fetch: () => fetchNetworkConfig(), fallback })),
  );
  // The key of direct messages is first needed once the first page is painted (the app
  // announces it in the rooms then): it is read from IndexedDB only then.
  let loadDh: () => void = () => undefined;
  const dh = new Promise<DhKeys>((resolve, reject) => {
    loadDh = () => void DhKeys.loadOrCreate(new IdbDhKeyStore()).then(resolve, reject);
  });
  const [identity, history] = await Promise.all([reads.identity, reads.storage]);
  const storage = webStorage() ?? memoryStorage();
  const verifier = new Verifier();
  const roomHistory: RoomHistory = {
    page: (roomId, count, before) => reads.page(roomId, count, before),
    exportRoom: (roomId, nameOf) => history.exportRoom(roomId, nameOf),
    importRoom: (roomId, text) => history.importRoom(roomId, text),
    forgetRoom: (roomId) => history.forgetRoom(roomId),
    warning: () => {
      const status = history.health.status;
      return status.state === 'degraded' ? status.message : undefined;
    },
    onWarning: (listener) => history.health.subscribe(() => listener()),
  };
  const app = new ChatApplication({
    signer: identity,
    verifier,
    dh,
    settings: new LocalSettings(storage),
    directory: history.rooms,
    router: new Router(),
    names: new NameBook(storage),
    notifier: new BrowserNotifier(),
    isHidden: () => document.hidden,
    persistentIdentity: identity.persistent,
    history: roomHistory,
    openRoom: (options) =>
      new DeferredRoom({
        roomId: options.roomId,
        signer: identity,
        verifier,
        network,
        displayName: options.displayName,
        storage: history,
        // Past 10,000 entries in its document, a room's oldest settled history is sealed into
        // segments of 10,000 (README, "How a long history behaves").
        seal: { above: 10_000 },
        // The room's view must be able to paint the newest stored page before the room's
        // state decodes: a room waits for the view's code as well (loaded once per page).
        // Its stored state, and so its network, wait for the network config's first fetch.
        loadAfter: Promise.all([
          network.ready,
          ...(options.loadAfter ? [options.loadAfter, loadRoomView().catch(() => undefined)] : []),
        ]),
        ...(options.password ? { password: options.password } : {}),
      }),
  });
  const account = new IdentityAccount({
    identity,
    restore: async (text, passphrase) => {
      await Identity.restore(reads.keyStore, text, passphrase);
    },
    persist: () => requestPersistence(),
    reload: () => window.location.reload(),
  });
  await app.start();
  performance.mark('meshchat:app-started');
  void app.painted().then(() => {
    loadDh();
    painted();
  });
  // Once the user has a room, there is something to lose: ask the browser to keep it all.
  const askWhenInRoom = (): void => {
    if (app.rooms.length > 0) void account.askToKeep();
  };
  app.subscribe(askWhenInRoom);
  askWhenInRoom();
  if (shell) {
    shell.account = account;
    shell.app = app;
  }
  // Off a room's page (the name screen, the room list) nothing is painted from a room: load
  // the room code now, so a room the user opens next starts at once and a first message is
  // not refused. A room's page loads it only after its newest stored page is painted.
  if (!onRoomPage) {
    loadRoomView().catch(() => undefined);
    loadRoomCode().catch(() => undefined);
  }
}

// A room link's page shows the room first: its view's code loads while storage opens.
const onRoomPage = parseRoute(window.location).kind === 'room';
if (onRoomPage) loadRoomView().catch(() => undefined);
// The shell (imported above) already listens for the PWA events registerPwa dispatches. The
// service worker is registered once the first page is painted.
let painted: () => void = () => undefined;
const firstPaint = new Promise<void>((resolve) => (painted = resolve));
registerPwa(window, firstPaint);
start().catch((error: unknown) => {
  console.error('MeshChat could not start', error);
  painted();
});
