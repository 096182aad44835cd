type RoomViewCode = typeof import('./RoomView');
let roomViewCode: Promise<RoomViewCode> | undefined;

/**
 * Loads the room's view (the message log and its virtualizer, the composer, participants,
 * menus: a chunk of its own) once per page. The shell asks for it when a room is shown; a room
 * link's page asks at once, so the chunk arrives while the room's stored page is read. A
 * failed load is forgotten, so the next room tries again.
 */
export function loadRoomView(): Promise<RoomViewCode> {
  roomViewCode ??= import('./RoomView').catch((error: unknown) => {
    roomViewCode = undefined;
    throw error;
  });
  return roomViewCode;
}
