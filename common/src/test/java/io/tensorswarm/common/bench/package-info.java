/**
 * Benchmark programs ({@code *Bench} mains, never run by surefire), each printing a Markdown table
 * with baselines measured in the same run; see {@code docs/benchmarks.md}.
 */
package io.tensorswarm.common.bench;
