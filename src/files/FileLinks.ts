// What a file transfer talks through: the room's connected peers, and the files this device
// keeps to answer them from.

/** One connected peer, as the transfer uses it (a data channel). */
export interface FileLink {
  /** Bytes queued to this peer and not yet sent. */
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
}

/** The room's connected peers and the file messages they send. */
export interface FileLinks {
  links(): readonly FileLink[];
  onMessage(listener: (link: FileLink, data: Uint8Array) => void): () => void;
}

/** Where a peer's requests are answered from: the files this device keeps for the room. */
export interface FileSource {
  get(hash: string): Promise<Blob | undefined>;
}
