/**
 * Connects in-memory replicas (of a log or of presence): what one sends reaches every other
 * member in a later microtask, as a network would deliver it, never synchronously.
 */
export class MemoryBus<T> {
  private readonly members = new Map<object, (message: T) => void>();

  /** Adds a member; `receive` gets what the others send. */
  join(member: object, receive: (message: T) => void): void {
    this.members.set(member, receive);
  }

  /** Removes a member: it neither sends nor receives any more. */
  leave(member: object): void {
    this.members.delete(member);
  }

  has(member: object): boolean {
    return this.members.has(member);
  }

  /** Delivers `message` to every member but the sender, in a later microtask. */
  send(from: object, message: T): void {
    if (!this.members.has(from)) return;
    queueMicrotask(() => {
      for (const [member, receive] of this.members) if (member !== from) receive(message);
    });
  }
}
