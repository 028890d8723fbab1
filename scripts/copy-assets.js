// tsc copies only .ts/.json it compiles; card templates and other assets are copied alongside the output.
const fs = require('fs');
const path = require('path');

function copyTree(from, to) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target);
    else if (/\.(json|yml|pem)$/.test(entry.name)) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(source, target);
    }
  }
}
copyTree(path.join(__dirname, '..', 'src'), path.join(__dirname, '..', 'lib'));
