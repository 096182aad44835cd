import { HubError } from '../hub/errors';

/** The HubError code `action` throws, or undefined when it returns; other errors propagate. */
export function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof HubError) return error.code;
    throw error;
  }
  return undefined;
}
