/** Wire protocol version carried in every frame as `v`. */
export const PROTOCOL_VERSION = 1 as const;
