/** Path of the Chromium to use: $CHROME_PATH, else a usual install location. */
export function chromePath(): string;
/** Flags for headless Chromium on these machines. */
export const chromeArgs: string[];
