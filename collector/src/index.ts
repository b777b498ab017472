export { Collector } from './collector.js';
export { collectorConfigSchema, loadCollectorConfig, parseCollectorConfig, type CollectorConfig } from './config.js';
export { COLLECTOR_VERSION } from './version.js';
export { downloadsRouter, type DownloadsDeps } from './downloads/router.js';
export { ReleaseCatalog } from './releases/catalog.js';
