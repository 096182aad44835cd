// A worker that opens sealed segments received from peers (openSegment: hash, parse, every
// batch signature and entry hash checked) off the page's main thread, which meanwhile applies
// the room's live document and stores its records (WorkerSegmentOpener.ts).
import { Verifier } from '../identity/Verifier';
import { SegmentError } from '../log/Segment';
import { openSegment } from '../log/SegmentOpen';
import { entryIds, type OpenReply, type OpenRequest } from './segmentOpening';

/** The worker's side of postMessage (the DOM library types `self` as a window). */
interface WorkerScope {
  addEventListener(type: 'message', listener: (event: MessageEvent<OpenRequest>) => void): void;
  postMessage(reply: OpenReply): void;
}

const scope = self as unknown as WorkerScope;
const verifier = new Verifier();

scope.addEventListener('message', ({ data }) => {
  const { call, roomId, id, bytes } = data;
  openSegment(roomId, id, bytes, verifier).then(
    (entries) => scope.postMessage({ call, ids: entryIds(entries) }),
    (error: unknown) =>
      scope.postMessage(
        error instanceof SegmentError
          ? { call, refused: error.reason }
          : { call, failed: error instanceof Error ? error.message : String(error) },
      ),
  );
});
