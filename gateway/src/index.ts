// Public surface of the gateway: configuration, the composition root, the MCP layer (for stdio
// and embedding) and the management tool registry.
export { ConfigError, loadConfig, resolveDataDir, isLoopbackHost } from './config/index.ts';
export type { GatewayConfig, Environment } from './config/index.ts';
export { createGateway, DEFAULT_BODY_LIMIT } from './app/create-gateway.ts';
export type { Gateway, GatewayOptions } from './app/create-gateway.ts';
export { createLogger } from './app/logger.ts';
export { createGatewayMcp } from './mcp/gateway-mcp.ts';
export type { GatewayMcp, GatewayMcpOptions } from './mcp/gateway-mcp.ts';
export { ToolCatalog } from './mcp/tool-catalog.ts';
export { serveOverStdio } from './stdio/serve-over-stdio.ts';
export type { StdioOptions } from './stdio/serve-over-stdio.ts';
export { MANAGEMENT_TOOLS, defineManagementTool, READ_ONLY, ToolError } from './tools/index.ts';
export type { ManagementTool, ToolErrorCode } from './tools/index.ts';
export { MainStateReader } from './services/main-state.ts';
export { createToolServices } from './services/tool-services.ts';
export type { ToolServices, ToolVersion } from './services/tool-services.ts';
export { Authenticator, loadAuthSettings, currentIdentity, withIdentity } from './auth/index.ts';
export type { AuthSettings, Identity, IdentityKind } from './auth/index.ts';
export { CallPipeline } from './observability/call-pipeline.ts';
export { ExecutionLogWriter } from './observability/execution-log-writer.ts';
export { GatewayMetrics } from './observability/gateway-metrics.ts';
export type { OperationLimits } from './config/index.ts';
