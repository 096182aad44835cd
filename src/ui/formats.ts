// The locale formats the UI shows numbers, times and dates with, each made on first use. The
// page's first Intl formatter loads the locale's data (50-100 ms on this machine's main
// thread): made as a module is evaluated, it would run before storage is even asked for the
// first page. index.html loads that data on a worker thread while the page starts (ICU's
// caches are shared by the page's threads), so the first use here is cheap when it comes.

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
