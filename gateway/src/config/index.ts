export { ConfigError } from './config-error.ts';
export { loadConfig, resolveDataDir, isLoopbackHost } from './load-config.ts';
export type { GatewayConfig, Environment, LogLevel, LogFormat } from './load-config.ts';
export type { OperationLimits } from './operation-limits.ts';
export type { RemoteForgeSettings } from './remote-forge-settings.ts';
