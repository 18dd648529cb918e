// Jest transformer: TypeScript to CommonJS with esbuild (the compiler tsx already uses), so tests
// run the same emitted code as `npm start`. Type checking is `npm run typecheck`'s job.
const { transformSync } = require('esbuild');
const crypto = require('node:crypto');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, { loader: filename.endsWith('.js') ? 'js' : 'ts', format: 'cjs', target: 'node20', sourcemap: 'external', sourcefile: filename });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return crypto.createHash('sha256').update('esbuild-v1').update(filename).update(source).digest('hex');
  },
};
