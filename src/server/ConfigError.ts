/**
 * Thrown for operator misconfiguration only (a bad environment variable, a missing directory).
 * Bad input from clients is never an exception: it is dropped and counted.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
