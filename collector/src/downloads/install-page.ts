export interface InstallPageInput {
  /** The collector's base URL as agents reach it. */
  url: string;
  /** Files the packages folder serves. */
  files: readonly string[];
  /** The release key agents verify updates with, when the collector knows it. */
  releaseKey: string | undefined;
  /** The collector serves HTTPS: mention a private CA. */
  tls: boolean;
  labels: { site?: string; group?: string; tags?: string };
}

export interface InstallSection {
  title: string;
  lines: string[];
  notes: string[];
}

const SECRET = '<enroll-secret>';

/** Single quotes for a POSIX shell. */
const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The newest of several versioned package names (`siaga-agent_0.1.0_amd64.deb`). */
function newest(files: readonly string[], pattern: RegExp): string | undefined {
  const matching = files.filter((f) => pattern.test(f));
  return matching.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
}

/**
 * Copy-paste install lines for this collector, one section per way of installing. The enroll
 * secret is never in them: the operator pastes it where `<enroll-secret>` stands or uses a file.
 */
export function installSections(input: InstallPageInput): InstallSection[] {
  const base = input.url.replace(/\/+$/, '');
  const dl = `${base}/downloads`;
  const has = (f: string) => input.files.includes(f);
  const { site, group, tags } = input.labels;
  const sections: InstallSection[] = [];

  const deb = newest(input.files, /^siaga-agent_[^_]+_amd64\.deb$/);
  if (deb) {
    const env = [`SIAGA_COLLECTOR_URL=${sh(base)}`, `SIAGA_ENROLL_SECRET=${sh(SECRET)}`];
    if (site) env.push(`SIAGA_SITE=${site}`);
    if (group) env.push(`SIAGA_GROUP=${group}`);
    if (tags) env.push(`SIAGA_TAGS=${tags}`);
    if (input.releaseKey) env.push(`SIAGA_RELEASE_KEY=${input.releaseKey}`);
    sections.push({
      title: 'Linux (Debian, Ubuntu): package',
      lines: [`curl -fsSLO ${sh(`${dl}/${deb}`)}`, `sudo ${env.join(' ')} apt-get install -y ./${deb}`],
      notes: ['The secret can instead be put in /etc/siaga/enroll-secret before installing (then leave SIAGA_ENROLL_SECRET out).'],
    });
  }

  if (has('install.sh')) {
    const args = ['--collector', sh(base)];
    if (site) args.push('--site', site);
    if (group) args.push('--group', group);
    if (tags) args.push('--tags', tags);
    if (input.releaseKey) args.push('--release-key', input.releaseKey);
    sections.push({
      title: 'Linux and macOS: install script',
      lines: [`curl -fsSL ${sh(`${dl}/install.sh`)} | sudo SIAGA_ENROLL_SECRET=${sh(SECRET)} sh -s -- ${args.join(' ')}`],
      notes: ['Secret in a file instead: drop SIAGA_ENROLL_SECRET=… and add --enroll-secret-file /path/to/enroll-secret.'],
    });
  }

  const msi = newest(input.files, /^siaga-agent-[^-]+(-[^-]+)*-x64\.msi$/);
  if (msi) {
    const props = [`COLLECTOR_URL="${base}"`, `ENROLL_SECRET="${SECRET}"`];
    if (site) props.push(`SITE=${site}`);
    if (group) props.push(`GROUP=${group}`);
    if (tags) props.push(`TAGS=${tags}`);
    if (input.releaseKey) props.push(`RELEASE_KEY="${input.releaseKey}"`);
    sections.push({
      title: 'Windows: MSI (elevated prompt)',
      lines: [`msiexec /i "${dl}/${msi}" /qn ${props.join(' ')}`],
      notes: ['Secret in a file instead: ENROLL_SECRET_FILE=\\\\server\\share\\enroll-secret. Group Policy and Intune: see docs/install.md.'],
    });
  }

  if (has('mdm-install.sh')) {
    sections.push({
      title: 'macOS through an MDM (Jamf Pro, Kandji, Mosyle)',
      lines: [`${dl}/mdm-install.sh`],
      notes: [
        `Upload this script to run as root. Jamf parameters: 4 collector URL (${base}), 5 enroll secret, 6 site, 7 group, 8 tags${input.releaseKey ? `, 9 release key (${input.releaseKey})` : ''}; other MDMs set SIAGA_COLLECTOR_URL, SIAGA_ENROLL_SECRET, SIAGA_SITE, SIAGA_GROUP, SIAGA_TAGS${input.releaseKey ? ', SIAGA_RELEASE_KEY' : ''}.`,
      ],
    });
  }
  return sections;
}

function commonNotes(input: InstallPageInput): string[] {
  const notes = [`Replace ${SECRET} with an enroll secret (siaga-collector secrets create). Files and checksums: ${input.url.replace(/\/+$/, '')}/downloads/SHA256SUMS.`];
  if (input.tls) notes.push("If the collector's certificate comes from your own CA: add --ca-file <pem> (script, and curl --cacert <pem>), SIAGA_CA_FILE=<pem> (package) or CA_FILE=<pem> (MSI).");
  if (!input.releaseKey) notes.push('Automatic updates need the release key on each agent (--release-key, SIAGA_RELEASE_KEY, RELEASE_KEY); set updates.publicKey in the collector config to have it in these lines.');
  return notes;
}

export function renderInstallText(input: InstallPageInput): string {
  const sections = installSections(input);
  const out = [`siaga agent: install lines for the collector at ${input.url}`, '', ...commonNotes(input), ''];
  if (sections.length === 0) out.push('No agent packages are in the collector\'s packages folder yet: build them (node packaging/build-sea.mjs) or set packages.dir.', '');
  for (const s of sections) out.push(`# ${s.title}`, ...s.lines, ...s.notes.map((n) => `#   ${n}`), '');
  return out.join('\n');
}

const html = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderInstallHtml(input: InstallPageInput): string {
  const sections = installSections(input);
  const body = sections.length
    ? sections.map((s) => `<section><h2>${html(s.title)}</h2><pre>${html(s.lines.join('\n'))}</pre>${s.notes.map((n) => `<p>${html(n)}</p>`).join('')}</section>`).join('\n')
    : `<p>No agent packages are in the collector's packages folder yet: build them (<code>node packaging/build-sea.mjs</code>) or set <code>packages.dir</code>.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Install the siaga agent</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:.75rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}</style></head>
<body><h1>Install the siaga agent</h1><p>Collector: <code>${html(input.url)}</code></p>
${commonNotes(input).map((n) => `<p>${html(n)}</p>`).join('\n')}
${body}
</body></html>
`;
}
