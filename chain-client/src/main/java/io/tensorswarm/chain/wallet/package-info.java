/**
 * btcli-compatible wallets: {@code <root>/<wallet>/{coldkey, coldkeypub.txt, hotkeys/<hotkey>}}
 * with the btwallet 4.x JSON fields and the {@code $NACL} encryption (Argon2i + XSalsa20-Poly1305)
 * for coldkeys (chain-spec §7). Legacy Ansible Vault and Fernet files are refused with a
 * {@link io.tensorswarm.chain.wallet.LegacyKeyfileFormatException} that says how to migrate.
 *
 * <p>Passwords come from {@code BT_COLDKEY_PASSWORD} or an interactive prompt
 * ({@link io.tensorswarm.chain.wallet.PasswordSource}), never from flags. No secret appears in
 * {@code toString()}, exception messages or logs. Files are written with mode 0600 inside 0700
 * directories.
 *
 * <p>Uses {@code chain.crypto}; nothing in {@code chain.crypto} uses this package.
 */
package io.tensorswarm.chain.wallet;
