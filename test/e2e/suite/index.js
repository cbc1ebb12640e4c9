// --extensionTestsPath entry: runs the mocha suite inside the real extension host. The remote
// extension host's console reaches no terminal and ignores reassigning console.log, so mocha's
// reporter output goes to EVOLVE_E2E_LOG and the counts to EVOLVE_E2E_RESULT for run.mjs to print.
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const Mocha = require('mocha');

exports.run = function run() {
  const logFile = process.env.EVOLVE_E2E_LOG;
  const resultFile = process.env.EVOLVE_E2E_RESULT;
  const log = (...a) => (logFile ? fs.appendFileSync(logFile, `${util.format(...a)}\n`) : console.log(...a));
  Mocha.reporters.Base.consoleLog = log;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, color: false, reporter: 'spec' });
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, file));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (resultFile) fs.writeFileSync(resultFile, JSON.stringify({ passes: runner.stats.passes, failures }));
      if (failures) reject(new Error(`${failures} in-editor tests failed`));
      else resolve();
    });
  });
};
