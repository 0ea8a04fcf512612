export { ConfigError } from './config-error.ts';
export { loadConfig, resolveDataDir, isLoopbackHost, LOOPBACK_NAMES } from './load-config.ts';
export type { GatewayConfig, Environment, ForgeKind, AuthMode, LogLevel, LogFormat } from './load-config.ts';
export { loadOperationLimits } from './operation-limits.ts';
export type { OperationLimits } from './operation-limits.ts';
export { loadRemoteForgeSettings, loadWebhookSecret } from './remote-forge-settings.ts';
export type { RemoteForgeSettings } from './remote-forge-settings.ts';
