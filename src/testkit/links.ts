import { applyAwarenessUpdate, encodeAwarenessUpdate, type Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';

const REMOTE = Symbol('remote');

/** A switchable in-memory link: while `up` is false nothing passes (a cut network). */
export interface Link {
  up: boolean;
}

/**
 * Forwards every document update to the other documents in a later microtask, like a network.
 * Updates sent while the link is down are lost; `resync` exchanges full states afterwards.
 */
export function linkDocs(docs: readonly Y.Doc[], link: Link = { up: true }): Link {
  for (const doc of docs) {
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE || !link.up) return;
      queueMicrotask(() => {
        for (const other of docs) if (other !== doc) Y.applyUpdate(other, update, REMOTE);
      });
    });
  }
  return link;
}

/** Brings every document up to date with every other (a sync after a reconnect). */
export function resyncDocs(docs: readonly Y.Doc[]): void {
  for (const from of docs) {
    for (const to of docs) {
      if (from !== to)
        Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), REMOTE);
    }
  }
}

/** Forwards awareness updates between the given instances, like y-webrtc does. */
export function linkAwareness(members: readonly Awareness[], link: Link = { up: true }): Link {
  for (const awareness of members) {
    awareness.on(
      'update',
      ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
        if (origin === REMOTE || !link.up) return;
        const changed = [...(added ?? []), ...(updated ?? []), ...(removed ?? [])];
        const update = encodeAwarenessUpdate(awareness, changed);
        queueMicrotask(() => {
          for (const other of members) {
            if (other !== awareness) applyAwarenessUpdate(other, update, REMOTE);
          }
        });
      },
    );
  }
  return link;
}
