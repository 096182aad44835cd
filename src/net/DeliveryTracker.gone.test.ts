import { expect } from '@esm-bundle/chai';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { until } from '../testkit/waitFor';
import { linkAwareness, linkDocs, resyncDocs } from '../testkit/links';
import { DeliveryTracker, mapEntries } from './DeliveryTracker';

/** A tab whose tracker counts the entries it looks up. */
function tab() {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  awareness.setLocalState({ v: 1 });
  const map = doc.getMap('messages');
  const items = mapEntries(map);
  const looked = { count: 0 };
  const tracker = new DeliveryTracker({
    entries: {
      doc,
      itemOf: (id) => {
        looked.count += 1;
        return items.itemOf(id);
      },
    },
    awareness,
    publish: (field, value) => awareness.setLocalStateField(field, value),
  });
  return { doc, awareness, map, tracker, looked };
}

const settled = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('DeliveryTracker: entries without an item', () => {
  it('looks again at entries with no item only once the document gains items', async () => {
    const alone = tab();
    const peer = tab();
    try {
      // A long history written alone and sealed: its entries have no item in the document (as
      // EntryPages tells once their pages are gone), like entries not written yet.
      const ids = Array.from({ length: 1000 }, (_, i) => `old-${i}`);
      for (const id of ids) alone.tracker.track(id);
      await settled();
      // A peer joins: its awareness changes, and its sync brings no new items.
      linkAwareness([alone.awareness, peer.awareness]);
      linkDocs([alone.doc, peer.doc]);
      alone.looked.count = 0;
      resyncDocs([alone.doc, peer.doc]);
      for (let i = 0; i < 5; i += 1) peer.awareness.setLocalStateField('beat', i);
      await settled();
      expect(alone.looked.count, 'entries looked up').to.equal(0);
      expect(alone.tracker.pending()).to.have.length(ids.length);
      // An entry tracked before it is written is still delivered once written and held.
      alone.tracker.track('late');
      await settled();
      alone.map.set('late', { m: 'late' });
      alone.awareness.setLocalState(alone.awareness.getLocalState());
      peer.awareness.setLocalState(peer.awareness.getLocalState());
      await until(
        (onChange) => alone.tracker.onDelivered(onChange),
        () => alone.tracker.isDelivered('late'),
        'late to be delivered',
      );
      expect(alone.tracker.pending()).to.have.length(ids.length);
    } finally {
      for (const t of [alone, peer]) {
        t.tracker.destroy();
        t.awareness.destroy();
        t.doc.destroy();
      }
    }
  });
});
