/**
 * Dishonest miner behaviours for the local subnet demo and its tests only ({@code miner run
 * --adversary lazy|copier|noise}, a hidden flag): they show that validators give such miners less
 * weight than honest ones. Never run them against a real subnet. {@link
 * io.tensorswarm.miner.adversary.Adversary} builds the {@link io.tensorswarm.miner.run.TrainingRunner}
 * and own store each behaviour needs; the rest of the miner loop is unchanged.
 */
package io.tensorswarm.miner.adversary;
