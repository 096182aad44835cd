import type { ChatApplication } from '../app/ChatApplication';

/**
 * Saves a room's history as a JSON lines file (a download).
 * @returns what to tell the user: how many events went into which file, or why none did
 */
export async function exportHistoryFile(app: ChatApplication, roomId: string): Promise<string> {
  try {
    const text = await app.exportHistory(roomId);
    const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `meshchat-${roomId}.jsonl`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    // One event per line, after the line that names the room and its authors.
    const lines = text === '' ? 0 : text.trimEnd().split('\n').length - 1;
    return `Exported ${lines} events to meshchat-${roomId}.jsonl.`;
  } catch (error) {
    return `Export failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Adds the events of a history file to a room.
 * @returns what to tell the user: how many were added, or why nothing was
 */
export async function importHistoryFile(
  app: ChatApplication,
  roomId: string,
  text: string,
): Promise<string> {
  try {
    const report = await app.importHistory(roomId, text);
    if (report.otherRoom !== undefined) {
      return report.otherRoomLabel !== undefined
        ? `Nothing imported: this file is the history of your room “${report.otherRoomLabel}”, not of this one. Open that room and import the file there.`
        : `Nothing imported: this file is the history of another room (${report.otherRoom}), which is not on this device. Open that room’s link first, then import the file there.`;
    }
    return (
      `Imported ${report.imported} events` +
      (report.duplicates > 0 ? `; ${report.duplicates} were here already` : '') +
      (report.badLines > 0 ? `; ${report.badLines} lines could not be read` : '') +
      '.'
    );
  } catch (error) {
    return `Import failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}
