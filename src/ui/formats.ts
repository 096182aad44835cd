// The locale formats the UI shows numbers, times and dates with, each made on first use: the
// page's first Intl formatter loads the locale's data, which made as a module is evaluated
// would run before storage is even asked for the first page. (Loading that data on a worker
// started by index.html made the first paint of a stored room slower here, not faster: the
// worker's start competed with the page's own on two cores, 375 against 312 ms median.)

const lazy = <T>(make: () => T): (() => T) => {
  let made: T | undefined;
  return () => (made ??= make());
};

/** Counts: "1,234". */
export const numbers = lazy(() => new Intl.NumberFormat());

/** A message's time: "14:05" (or "02:05 PM"). */
export const clockTime = lazy(
  () => new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }),
);

/** A date with its time: "28 Nov 2026, 14:05". */
export const dateTime = lazy(
  () => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
);

/** A day: "Monday, 23 November 2026". */
export const longDate = lazy(
  () =>
    new Intl.DateTimeFormat(undefined, {
      weekday: 'long',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
    }),
);
