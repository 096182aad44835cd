// A room's history as a file: export with the authors' names known here, import with the
// names the file gives (marked unverified, never over a signed name). A file of another room
// imports nothing; the outcome names that room, with its label where it is joined here.
import type { NameBook } from './NameBook';
import type { HistoryImport, RoomHistory } from './StoredHistory';

export interface HistoryFilesOptions {
  readonly history?: RoomHistory;
  readonly names: NameBook;
  /** The label of a joined room, undefined for one not joined here. */
  labelOf(roomId: string): string | undefined;
  /** Shows a room's stored history again (after an import), if it is open. */
  reload(roomId: string): Promise<void>;
  /** Names changed. */
  changed(): void;
}

export class HistoryFiles {
  private readonly options: HistoryFilesOptions;

  constructor(options: HistoryFilesOptions) {
    this.options = options;
  }

  /** A room's stored history as a JSON lines file's text. */
  async exportRoom(roomId: string): Promise<string> {
    const { history, names } = this.options;
    if (!history) throw new Error('this device keeps no history to export');
    return history.exportRoom(
      roomId,
      (userId) => names.name(userId) ?? names.unverifiedName(userId),
    );
  }

  /** Imports a JSON lines file into a room's stored history and shows it. */
  async importRoom(
    roomId: string,
    text: string,
  ): Promise<HistoryImport & { readonly otherRoomLabel?: string }> {
    const { history, names } = this.options;
    if (!history) throw new Error('this device keeps no history to import into');
    const report = await history.importRoom(roomId, text);
    if (report.otherRoom !== undefined) {
      const label = this.options.labelOf(report.otherRoom);
      return label === undefined ? report : { ...report, otherRoomLabel: label };
    }
    let renamed = false;
    for (const [userId, name] of report.names ?? []) {
      renamed = names.learnUnverified(userId, name) || renamed;
    }
    await this.options.reload(roomId);
    if (renamed) this.options.changed();
    return report;
  }
}
