/**
 * Reads and writes the safetensors file format, streaming one tensor at a time.
 *
 * <p>A file is an 8-byte little-endian header length {@code N}, {@code N} bytes of UTF-8 JSON
 * naming each tensor's dtype, shape and byte range, then the tensor bytes. {@link
 * io.tensorswarm.common.safetensors.SafetensorsReader} validates every header field against
 * {@link io.tensorswarm.common.safetensors.ReadLimits} before it allocates anything, and reports
 * each violation as a {@link io.tensorswarm.common.safetensors.SafetensorsException} with a
 * {@link io.tensorswarm.common.safetensors.SafetensorsException.Kind}. {@link
 * io.tensorswarm.common.safetensors.SafetensorsWriter} writes files byte-compatible with the
 * Hugging Face library, atomically when the target is a path.
 *
 * <pre>{@code
 * new SafetensorsWriter().write(delta, Path.of("delta.safetensors"));
 * ParameterSet back = new SafetensorsReader(ReadLimits.defaults().withMaxTotalBytes(1L << 30))
 *         .read(Path.of("delta.safetensors"));
 * }</pre>
 */
package io.tensorswarm.common.safetensors;
