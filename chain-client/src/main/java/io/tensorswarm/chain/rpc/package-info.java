/**
 * Substrate JSON-RPC 2.0 over WebSocket: {@link io.tensorswarm.chain.rpc.RpcTransport} and its
 * OkHttp implementation {@link io.tensorswarm.chain.rpc.WsRpcTransport} (id-correlated calls,
 * subscriptions, per-call timeouts, reconnect with backoff), endpoint resolution as the Python SDK
 * does it ({@link io.tensorswarm.chain.rpc.Endpoints}) and the mapping of JSON-RPC error objects to
 * typed exceptions ({@link io.tensorswarm.chain.rpc.RpcErrors}).
 */
package io.tensorswarm.chain.rpc;
