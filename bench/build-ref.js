// A git ref (e.g. main) built into a temporary folder once per commit, for memory benches that compare
// this tree with another build.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Builds `ref` into `<tmp>/<prefix>-<commit>` unless it is there already; returns its lib folder. */
function buildRef(ref, prefix) {
  const repo = path.join(__dirname, '..');
  const commit = execFileSync('git', ['-C', repo, 'rev-parse', '--short', ref]).toString().trim();
  const root = path.join(os.tmpdir(), `${prefix}-${commit}`);
  if (!fs.existsSync(path.join(root, 'lib', 'simulator', 'tls'))) {
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(root, { recursive: true });
    const archive = execFileSync('git', ['-C', repo, 'archive', ref], { maxBuffer: 1e9 });
    execFileSync('tar', ['-x', '-C', root], { input: archive });
    fs.symlinkSync(
      fs.realpathSync(path.join(repo, 'node_modules')),
      path.join(root, 'node_modules')
    );
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: root,
      stdio: 'inherit',
    });
    execFileSync(process.execPath, ['scripts/copy-assets.js'], { cwd: root, stdio: 'inherit' });
  }
  return path.join(root, 'lib');
}

module.exports = { buildRef };
