// The few platform functions the hub uses: present in browsers and in Node alike. The hub is
// type-checked without the DOM library (tsconfig.core.json), so nothing else of the page's
// world can creep in.
declare const crypto: { randomUUID(): string };
declare function queueMicrotask(callback: () => void): void;
