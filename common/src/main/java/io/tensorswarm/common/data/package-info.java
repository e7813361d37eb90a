/**
 * Training data: tokenizers ({@link io.tensorswarm.common.data.Tokenizer}, chosen per model by
 * {@link io.tensorswarm.common.data.Tokenizers#forModelDir}), text datasets read as streams of
 * documents ({@link io.tensorswarm.common.data.TextDatasets#open} for {@code .txt},
 * {@code .jsonl[.gz]} and {@code .parquet}), and fixed-length pages of token ids
 * ({@link io.tensorswarm.common.data.TokenPages}) with the deterministic page assignment of the
 * round protocol ({@link io.tensorswarm.common.data.PageSampler}).
 *
 * <p>Everything here is deterministic across machines: the same files and tokenizer give the same
 * fingerprint, token stream, pages and page assignments. Errors in data are
 * {@link io.tensorswarm.common.data.DataException}s naming the file (and line) at fault.
 */
package io.tensorswarm.common.data;
