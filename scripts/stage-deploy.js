// `atk deploy` (m365agents.yml): puts what App Service runs into a folder of its own, so the zip gets
// lib/ and the production dependencies only. The next deploy step runs `npm ci --omit=dev` there.
// Usage: node scripts/stage-deploy.js <folder>   (run after `npm run build`)
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const target = path.resolve(root, process.argv[2] ?? '.deploy');
if (path.relative(root, target).startsWith('..') || target === root) {
  console.error(`stage-deploy: ${target} must be a folder inside the project`);
  process.exit(2);
}
if (!fs.existsSync(path.join(root, 'lib', 'index.js'))) {
  console.error('stage-deploy: lib/index.js is missing; run `npm run build` first');
  process.exit(1);
}

fs.rmSync(target, { recursive: true, force: true });
fs.mkdirSync(target, { recursive: true });
fs.cpSync(path.join(root, 'lib'), path.join(target, 'lib'), { recursive: true });
for (const file of ['package.json', 'package-lock.json'])
  fs.copyFileSync(path.join(root, file), path.join(target, file));
// The project's .npmrc silences npm (loglevel=silent) for `npm start`'s one line; here npm must say what
// failed. yes=true: botbuilder-dialogs' postinstall runs `npx rimraf`, which npm 11 asks about otherwise.
fs.writeFileSync(path.join(target, '.npmrc'), 'yes=true\nfund=false\naudit=false\n');
console.log(`stage-deploy: lib/, package.json and package-lock.json copied to ${target}`);
