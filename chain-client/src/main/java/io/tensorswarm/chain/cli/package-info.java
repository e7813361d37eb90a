/**
 * Command-line pieces shared by every daemon jar: the {@code wallet} command ({@link
 * io.tensorswarm.chain.cli.WalletCommand}) that creates, restores, shows and signs with btcli
 * wallets, and the {@code chain} command ({@link io.tensorswarm.chain.cli.ChainCommand}) that reads
 * a subnet and sends extrinsics, with the chain flags ({@link io.tensorswarm.chain.cli.ChainOptions}).
 * The weights path of {@code chain set-weights}, {@code chain reveal} and the validator daemon
 * lives here once: {@link io.tensorswarm.chain.cli.WeightSender}, with the pending reveals in
 * {@link io.tensorswarm.chain.cli.PendingRevealStore}.
 */
package io.tensorswarm.chain.cli;
