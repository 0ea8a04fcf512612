export { createHttpBridge, defaultResolver, type HttpBridge, type HttpBridgeOptions } from './bridge.ts';
export { answerHostHttp, type HostHttpReply } from './host-http.ts';
export { classifyAddress, type AddressClass, type AddressTier } from './address-policy.ts';
export {
  HttpBridgeError,
  type HttpBridgeErrorCode,
  type HttpBridgeLogEvent,
  type HttpRequest,
  type HttpResponse,
  type HostGrant,
  type ResolvedAddress,
  type Resolver,
} from './types.ts';
