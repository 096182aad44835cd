// Limits the UI shows to the user, as the log enforces them.
export { DEFAULT_MAX_MESSAGE_LENGTH as MAX_MESSAGE_LENGTH } from '../log/schema';
