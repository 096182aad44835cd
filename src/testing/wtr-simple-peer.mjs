// y-webrtc imports simple-peer's prebuilt UMD bundle, which is not an ES module. Vite converts
// it when building; the test runner's dev server needs this small wrapper instead.
export function simplePeerAsModule() {
  return {
    name: 'simple-peer-as-module',
    transform(context) {
      if (!context.path.endsWith('/simple-peer/simplepeer.min.js')) return undefined;
      const body = String(context.body);
      return {
        body: `const module = { exports: {} };\nconst exports = module.exports;\n${body}\nexport default module.exports;\n`,
      };
    },
  };
}
