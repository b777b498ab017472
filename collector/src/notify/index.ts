export { notifyConfigSchema, parseNotifyConfig, receiverSchema, type NotifyConfig, type ReceiverConfig, type RetryConfig } from './config.js';
export { DestinationGuard, type Resolver } from './destination.js';
export { renderBody } from './formats/index.js';
export { type HistoryQuery, Notifier, type NotifierOptions, type NotifyCounters } from './notifier.js';
export type { AttemptRecord, DeliveryRecord } from './outbox-store.js';
export { signatureHeaders } from './sign.js';
export type { AlertAnnotations, AlertLabels, AlertStatus, DeliveryStatus, Format, Notification, NotificationAlert } from './types.js';
