import { type Dashboard, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { finish, frame } from '../frame.js';
import { as, fn, ident, matchVar, select, TIME_FILTER } from '../influxql.js';
import { hostDetailLink, UID } from '../links.js';
import { pie, table } from '../panels.js';
import { HOSTS } from '../scope.js';
import { tableQuery } from '../target.js';
import { fleetVariables, softwareVariable } from '../variables.js';

const GIB = 1024 ** 3;
const HARDWARE = ['os_name', 'os_version', 'os_build', 'vendor', 'model', 'cpu_model'];

/** The newest value of each field per host: inventory points come only when something changed. */
const hostsInventory = select({
  select: [...HARDWARE.map((f) => as(fn('last', f), f)), as(`last(${ident('memory_bytes')}) / ${GIB}`, 'memory_gib'), as(fn('last', 'software_count'), 'software_count')],
  from: 'siaga_inventory',
  where: [TIME_FILTER, ...HOSTS],
  by: ['host', 'host_id', 'site', 'group', 'os'],
});

/** Counts rows per value of the given fields, e.g. hosts per OS version. */
const countBy = (fields: string[], counted: string) => ({
  id: 'groupBy',
  options: { fields: { ...Object.fromEntries(fields.map((f) => [f, { aggregations: [], operation: 'groupby' }])), [counted]: { aggregations: ['count'], operation: 'aggregate' } } },
});

export function inventoryDashboard(): Dashboard {
  const b = frame({
    uid: UID.inventory,
    title: 'siaga · Inventory',
    description: 'Hardware, operating system and installed software per host, as the agents last reported them.',
    variables: [...fleetVariables({ multi: true }), softwareVariable()],
    // Inventory is written when it changes, so a short range would miss most hosts.
    from: 'now-30d',
    refresh: '',
  });
  const inventory = tableQuery(hostsInventory);

  b.withRow(new RowBuilder('Hardware and operating system'))
    .withPanel(pie({ title: 'Operating systems', targets: [inventory], transformations: [countBy(['os_name'], 'host'), { id: 'rowsToFields', options: {} }], w: 8 }))
    .withPanel(
      table({
        title: 'OS versions',
        targets: [inventory],
        transformations: [countBy(['os_name', 'os_version'], 'host')],
        columns: { os_name: 'Operating system', os_version: 'Version', 'host (count)': 'Hosts' },
        sortBy: { header: 'Hosts', desc: true },
        w: 8,
      }),
    )
    .withPanel(
      table({
        title: 'Models',
        targets: [inventory],
        transformations: [countBy(['vendor', 'model'], 'host')],
        columns: { vendor: 'Vendor', model: 'Model', 'host (count)': 'Hosts' },
        sortBy: { header: 'Hosts', desc: true },
        w: 8,
      }),
    )
    .withPanel(
      table({
        title: 'Hosts',
        targets: [inventory],
        columns: { host: 'Host', site: 'Site', group: 'Group', os_name: 'OS', os_version: 'Version', os_build: 'Build', vendor: 'Vendor', model: 'Model', cpu_model: 'CPU', memory_gib: 'Memory GiB', software_count: 'Programs' },
        hide: ['host_id', 'os'],
        decimals: 0,
        link: hostDetailLink(),
        h: 10,
      }),
    );

  const software = select({
    select: [as(fn('last', 'version'), 'version')],
    from: 'siaga_software',
    where: [TIME_FILTER, ...HOSTS, matchVar('name', 'software')],
    by: ['name', 'host', 'site'],
  });
  b.withRow(new RowBuilder('Software'))
    .withPanel(
      table({
        title: 'Versions in use',
        description: 'Hosts per version of each program chosen above.',
        targets: [tableQuery(software)],
        transformations: [countBy(['name', 'version'], 'host')],
        columns: { name: 'Program', version: 'Version', 'host (count)': 'Hosts' },
        sortBy: { header: 'Hosts', desc: true },
        w: 10,
        h: 12,
      }),
    )
    .withPanel(
      table({
        title: 'Installed software, by host',
        targets: [tableQuery(software)],
        columns: { host: 'Host', site: 'Site', name: 'Program', version: 'Version' },
        link: hostDetailLink(),
        w: 14,
        h: 12,
      }),
    );

  return finish(b);
}
