// The `process` package ships no types; the browser build is all the polyfill needs.
// Declared under its file path so it cannot clash with @types/node's 'process' module.
declare module 'process/browser.js' {
  const process: { env: Record<string, string | undefined>; nextTick: (fn: (...args: unknown[]) => void, ...args: unknown[]) => void };
  export default process;
}
