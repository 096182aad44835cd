/**
 * Thrown for operator misconfiguration only (a bad environment variable, a missing directory).
 * Bad input from clients is never an exception: it is dropped and counted.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * A comma-separated list of URLs in the variable `name`; blank entries are ignored, so a
 * trailing comma is harmless. `accept` checks each parsed URL and returns what to keep, or
 * throws a ConfigError; an entry that is no URL at all is refused as "not <expected>".
 */
export function urlList<T>(
  name: string,
  raw: string | undefined,
  expected: string,
  accept: (url: URL, entry: string) => T,
): T[] {
  if (raw === undefined || raw.trim() === '') return [];
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      let url: URL;
      try {
        url = new URL(entry);
      } catch {
        throw new ConfigError(`${name}: "${entry}" is not ${expected}`);
      }
      return accept(url, entry);
    });
}
