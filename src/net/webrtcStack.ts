// The part of RoomNetwork that only a room going online needs: y-webrtc with simple-peer (and
// its bundled Node polyfills), the chunked data channels and anti-entropy. RoomNetwork imports
// this module dynamically, so it is a chunk of its own that the first page load never waits for.
export { WebrtcConn, WebrtcProvider } from 'y-webrtc';
export { WebrtcMesh } from './WebrtcMesh';
export { sendStateVector } from './AntiEntropy';
export { chunkingPeerConnection } from './chunkingPeerConnection';
export { limitTabBroadcasts } from './ownBroadcasts';
