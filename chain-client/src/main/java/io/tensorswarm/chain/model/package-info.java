/** Plain values the {@link io.tensorswarm.chain.Chain} interface reads and writes. */
package io.tensorswarm.chain.model;
