/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/jest.transform.js', '/node_modules/change-case/.+\\.js$': '<rootDir>/jest.transform.js' },
  // masto's CommonJS build requires change-case, which ships only as an ES module: Node 20 loads
  // it (require of ESM), jest's module runtime does not, so that one package is transformed.
  transformIgnorePatterns: ['/node_modules/(?!change-case/)'],
  maxWorkers: 2,
  testTimeout: 30000,
  // A test that leaves a server or lane running keeps jest alive: detect it instead of hiding it.
  detectOpenHandles: false,
  forceExit: false,
};
