package io.tensorswarm.chain.crypto;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A parsed Substrate secret URI ({@code phrase//hard/soft///passphrase}, sp-core {@code SecretUri}):
 * a mnemonic or {@code 0x}-hex mini-secret (the Substrate dev phrase when empty), derivation
 * junctions and an optional BIP39 passphrase. Immutable; {@link #toString()} shows only the
 * junction count.
 */
public final class SecretUri {
    /** The well-known Substrate development phrase that {@code //Alice} and friends derive from. */
    public static final String DEV_PHRASE =
            "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

    private final String phrase;
    private final List<DeriveJunction> path;
    private final String passphrase;

    private SecretUri(String phrase, List<DeriveJunction> path, String passphrase) {
        this.phrase = phrase;
        this.path = List.copyOf(path);
        this.passphrase = passphrase;
    }

    /**
     * Parses {@code suri}.
     *
     * @throws CryptoException if a junction is empty; the message never repeats the URI
     */
    public static SecretUri parse(String suri) {
        String rest = suri;
        String passphrase = null;
        int pw = rest.indexOf("///");
        if (pw >= 0) {
            passphrase = rest.substring(pw + 3);
            rest = rest.substring(0, pw);
        }
        int slash = rest.indexOf('/');
        String phrase = (slash < 0 ? rest : rest.substring(0, slash)).strip();
        String pathText = slash < 0 ? "" : rest.substring(slash);
        List<DeriveJunction> path = new ArrayList<>();
        int i = 0;
        while (i < pathText.length()) {
            boolean hard = pathText.startsWith("//", i);
            int start = i + (hard ? 2 : 1);
            int end = pathText.indexOf('/', start);
            if (end < 0) {
                end = pathText.length();
            }
            if (end == start) {
                throw new CryptoException("Invalid secret URI: empty derivation junction in its path");
            }
            String name = pathText.substring(start, end);
            path.add(hard ? DeriveJunction.hard(name) : DeriveJunction.soft(name));
            i = end;
        }
        return new SecretUri(phrase.isEmpty() ? DEV_PHRASE : phrase, path, passphrase);
    }

    /** Returns the derivation junctions, in order. */
    public List<DeriveJunction> path() {
        return path;
    }

    /** Returns whether a {@code ///passphrase} part was given. */
    public boolean hasPassphrase() {
        return passphrase != null;
    }

    /** Returns the mnemonic part (or hex seed). Secret: do not log it. */
    public String phrase() {
        return phrase;
    }

    /** Returns the passphrase part, if any. Secret: do not log it. */
    public Optional<String> passphrase() {
        return Optional.ofNullable(passphrase);
    }

    /**
     * Returns the key pair: the root from the hex seed or from the mnemonic with the passphrase,
     * then each junction in turn.
     *
     * @throws CryptoException if the phrase is neither a valid mnemonic nor a 32-byte hex seed
     */
    public Sr25519KeyPair toKeyPair() {
        Sr25519KeyPair root;
        if (phrase.startsWith("0x")) {
            byte[] seed;
            try {
                seed = HexFormat.of().parseHex(phrase.substring(2));
            } catch (IllegalArgumentException e) {
                throw new CryptoException("Invalid secret URI: the 0x seed is not hex");
            }
            root = Sr25519KeyPair.fromMiniSecret(seed);
        } else {
            root = Sr25519KeyPair.fromMiniSecret(Mnemonic.parse(phrase).toMiniSecret(passphrase == null ? "" : passphrase));
        }
        return root.derive(path);
    }

    @Override
    public String toString() {
        return "SecretUri[phrase redacted, " + path.size() + " junctions" + (passphrase != null ? ", passphrase redacted" : "") + "]";
    }
}
