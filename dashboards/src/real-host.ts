/**
 * Measurements that only a real workstation produces. Panels reading them show data on laptops,
 * desktops with sensors and machines with a service manager, but not in a container or a CI
 * runner; tests there can only check that InfluxDB accepts their queries.
 */
export const REAL_HOST_MEASUREMENTS: Readonly<Record<string, string>> = {
  battery: 'a battery (laptops)',
  temp: 'temperature sensors (Linux hwmon or thermal zones, or an OS that exposes them)',
  smart_device: 'smartctl (or the OS disk status) and a physical disk',
  wifi: 'a wireless interface',
  service: 'a running service manager (systemd, launchd or the Windows service control manager)',
};
