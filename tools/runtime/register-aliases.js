// Resolves the workspace aliases (@sp/<lib>) to the compiled libraries in dist/ at run time.
// tsc keeps `import '@sp/contracts'` as written; Node needs to know where that lives.
// Usage: node -r ./tools/runtime/register-aliases.js dist/services/<svc>/src/main.js
'use strict';
const Module = require('module');
const path = require('path');

const distLibs = path.resolve(__dirname, '..', '..', 'dist', 'libs');
const original = Module._resolveFilename;
Module._resolveFilename = function resolveWorkspaceAlias(request, parent, isMain, options) {
  const match = /^@sp\/([a-z-]+)$/.exec(request);
  if (match) {
    return original.call(this, path.join(distLibs, match[1], 'src', 'index.js'), parent, isMain, options);
  }
  return original.call(this, request, parent, isMain, options);
};
