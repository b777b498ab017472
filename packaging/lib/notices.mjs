// THIRD-PARTY-NOTICES.txt: the licenses of everything the executables and installers carry —
// the npm packages bundled into the agent, the Node.js runtime and the WinSW service wrapper.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './common.mjs';
import { WINSW } from './pins.mjs';

const MIT = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`;

/** `…/node_modules/@scope/name/lib/x.js` → `…/node_modules/@scope/name`. */
function packageRoot(file) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file);
  return match ? path.resolve(ROOT, match[1]) : undefined;
}

function licenseText(dir) {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  return file ? readFileSync(path.join(dir, file), 'utf8').trim() : undefined;
}

function section(title, text) {
  return `${'='.repeat(78)}\n${title}\n${'='.repeat(78)}\n\n${text}\n`;
}

/** The notices for the bundled packages (from esbuild's metafile) plus the runtime and the wrapper. */
export function thirdPartyNotices(metafile, nodeRuntimeDir) {
  const roots = [...new Set(Object.keys(metafile.inputs).map(packageRoot).filter(Boolean))];
  const packages = roots
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
    .sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));
  const out = ['siaga-agent includes the following third-party software.\n'];
  for (const { dir, pkg } of packages) {
    out.push(section(`${pkg.name} ${pkg.version} (${pkg.license ?? 'see text'})`, licenseText(dir) ?? `License: ${pkg.license}`));
  }
  const nodeLicense = path.join(nodeRuntimeDir, 'LICENSE');
  out.push(section('Node.js (the runtime the executables are built on)', existsSync(nodeLicense) ? readFileSync(nodeLicense, 'utf8').trim() : 'MIT License'));
  out.push(
    section(
      `WinSW 1.17, Windows service wrapper (MIT), from the npm package ${WINSW.pkg} ${WINSW.version} (Windows only)`,
      `Copyright (c) Kohsuke Kawaguchi, Sun Microsystems, Inc., CloudBees, Inc., Oleg Nenashev and other contributors\n\n${MIT}`,
    ),
  );
  return out.join('\n');
}
