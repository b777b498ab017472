export const COLLECTOR_VERSION = '0.1.0';
