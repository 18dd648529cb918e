#!/usr/bin/env node
// Merges several jest --json reports (one per Node version) into one, with each test's name
// prefixed by the Node version it ran on. Prints the merged report to stdout.
const fs = require('node:fs');
const path = require('node:path');

const files = process.argv.slice(2);
const merged = { numTotalTests: 0, numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTotalTestSuites: 0, numFailedTestSuites: 0, success: true, testResults: [] };
for (const file of files) {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const label = path.basename(file, '.json');
  for (const key of ['numTotalTests', 'numPassedTests', 'numFailedTests', 'numPendingTests', 'numTotalTestSuites', 'numFailedTestSuites']) merged[key] += report[key] ?? 0;
  merged.success = merged.success && report.success === true;
  for (const suite of report.testResults ?? []) {
    merged.testResults.push({ ...suite, name: `${label}:${suite.name}`, assertionResults: suite.assertionResults.map((a) => ({ ...a, fullName: `[${label}] ${a.fullName}` })) });
  }
}
if (files.length === 0) merged.success = false;
process.stdout.write(JSON.stringify(merged));
