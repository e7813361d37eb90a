package io.tensorswarm.orchestrator.http;

/**
 * A response body already serialized to JSON, which the server sends as it is (an endpoint that
 * caches its answer returns one).
 *
 * @param bytes UTF-8 JSON
 */
record JsonBytes(byte[] bytes) {}
