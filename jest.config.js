/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/jest.transform.js' },
  maxWorkers: 2,
  testTimeout: 30000,
  // A test that leaves a server or lane running keeps jest alive: detect it instead of hiding it.
  detectOpenHandles: false,
  forceExit: false,
};
