package io.tensorswarm.storage.hf;

import io.tensorswarm.storage.Keys;
import io.tensorswarm.storage.StorageException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A parsed Hub location {@code hf://[models/|datasets/|spaces/]owner/name[@revision][/prefix]},
 * the form {@code huggingface_hub}'s {@code HfFileSystem} uses. A revision containing {@code /}
 * (such as {@code refs/pr/1}) is written percent-encoded ({@code @refs%2Fpr%2F1}).
 *
 * @param type {@code model}, {@code dataset} or {@code space}
 * @param repoId {@code owner/name}
 * @param revision a branch, tag or commit sha; {@code main} by default
 * @param prefix the path prefix inside the repo without slashes at the ends, or {@code ""}
 */
public record HfLocation(String type, String repoId, String revision, String prefix) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,199}");

    /** Parses {@code uri}; throws {@code CONFIGURATION} when it is not a usable Hub location. */
    public static HfLocation parse(URI uri) {
        if (!"hf".equalsIgnoreCase(uri.getScheme())) {
            throw bad(uri, "scheme must be hf");
        }
        String rest = uri.getRawSchemeSpecificPart();
        if (!rest.startsWith("//") || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw bad(uri, "expected hf://owner/name");
        }
        String[] parts = rest.substring(2).split("/", -1);
        int i = 0;
        String type = "model";
        if (parts.length > 0 && (parts[0].equals("datasets") || parts[0].equals("models") || parts[0].equals("spaces"))) {
            type = parts[0].substring(0, parts[0].length() - 1);
            i = 1;
        }
        if (parts.length < i + 2) {
            throw bad(uri, "expected owner/name");
        }
        String owner = parts[i];
        String nameAndRev = parts[i + 1];
        String revision = "main";
        int at = nameAndRev.indexOf('@');
        if (at >= 0) {
            revision = URLDecoder.decode(nameAndRev.substring(at + 1), StandardCharsets.UTF_8);
            nameAndRev = nameAndRev.substring(0, at);
        }
        if (!NAME.matcher(owner).matches() || !NAME.matcher(nameAndRev).matches() || nameAndRev.contains("--")) {
            throw bad(uri, "owner and name must be letters, digits, '.', '_', '-'");
        }
        if (!REVISION.matcher(revision).matches() || revision.contains("..")) {
            throw bad(uri, "invalid revision");
        }
        StringBuilder prefix = new StringBuilder();
        for (int j = i + 2; j < parts.length; j++) {
            if (parts[j].isEmpty()) {
                continue;
            }
            if (prefix.length() > 0) {
                prefix.append('/');
            }
            prefix.append(URLDecoder.decode(parts[j], StandardCharsets.UTF_8));
        }
        String p = prefix.toString();
        if (!p.isEmpty() && !Keys.isValid(p)) {
            throw bad(uri, "invalid path prefix");
        }
        return new HfLocation(type, owner + "/" + nameAndRev, revision, p);
    }

    /** Returns the API path segment: {@code models}, {@code datasets} or {@code spaces}. */
    public String apiType() {
        return type + "s";
    }

    /** Returns the prefix of non-API URLs: {@code ""} for models, {@code datasets/} otherwise. */
    public String urlPrefix() {
        return type.equals("model") ? "" : type + "s/";
    }

    /** Returns the repo path for a store-relative key. */
    public String path(String key) {
        return Keys.join(prefix, key);
    }

    /** Returns the same location at another revision. */
    public HfLocation atRevision(String rev) {
        return new HfLocation(type, repoId, rev, prefix);
    }

    /** Returns the location as an {@code hf://} URI. */
    public URI uri() {
        String rev = revision.equals("main") ? "" : "@" + revision.replace("/", "%2F");
        return URI.create("hf://" + (type.equals("model") ? "" : type + "s/") + repoId + rev + (prefix.isEmpty() ? "" : "/" + prefix));
    }

    private static StorageException bad(URI uri, String why) {
        return new StorageException(StorageException.Kind.CONFIGURATION, "bad Hub location '" + Keys.printable(uri.toString()) + "': " + why);
    }
}
