/**
 * Command-line pieces shared by every daemon jar: the {@code wallet} command ({@link
 * io.tensorswarm.chain.cli.WalletCommand}) that creates, restores, shows and signs with btcli
 * wallets.
 */
package io.tensorswarm.chain.cli;
