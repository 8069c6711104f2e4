// Jest transform for PGlite's CommonJS build only. It loads Node built-ins with `import("fs")`
// and the like, which Jest's module sandbox refuses without --experimental-vm-modules; a
// `require` gives the same module, so `npx jest <file>` works without that flag too. The module's
// own `require` is kept under a name of our own first: the Emscripten glue declares a local `require`.
const BUILTIN_IMPORT = /\bimport\(\s*(["'])((?:node:)?[a-z_/]+)\1\s*\)/g;

module.exports = {
  process(source) {
    const code = source.replace(BUILTIN_IMPORT, (_, quote, name) => `Promise.resolve().then(() => __builtinRequire(${quote}${name}${quote}))`);
    if (code === source) return { code };
    // After a leading "use strict", which must stay the first statement.
    const directive = /^\s*(["'])use strict\1;?/.exec(code)?.[0] ?? '';
    return { code: `${directive}const __builtinRequire = require;${code.slice(directive.length)}` };
  },
  getCacheKey(source, filename) {
    return require('node:crypto').createHash('sha256').update('builtin-import-transform-3\0').update(filename).update('\0').update(source).digest('hex');
  },
};
