/**
 * Command-line pieces shared by every daemon jar: the {@code wallet} command ({@link
 * io.tensorswarm.chain.cli.WalletCommand}) that creates, restores, shows and signs with btcli
 * wallets, and the {@code chain} command ({@link io.tensorswarm.chain.cli.ChainCommand}) that reads
 * a subnet and sends extrinsics, with the chain flags ({@link io.tensorswarm.chain.cli.ChainOptions}).
 */
package io.tensorswarm.chain.cli;
