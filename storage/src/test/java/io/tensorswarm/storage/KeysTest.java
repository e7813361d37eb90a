package io.tensorswarm.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeysTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a/", "a\\b", "a\u0000b", "a\nb", ".."})
    void refusesKeysThatCouldEscapeOrConfuse(String key) {
        StorageException e = assertThrows(StorageException.class, () -> Keys.check(key));
        assertEquals(StorageException.Kind.INVALID_KEY, e.kind());
        assertEquals(-1, e.getMessage().indexOf('\n'));
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "rounds/1/5F3sa/delta.safetensors", "models/abc/config.json", ".hidden", "a..b/c"})
    void acceptsOrdinaryKeys(String key) {
        assertEquals(key, Keys.check(key));
    }

    @Test
    void refusesOverlongKeys() {
        assertThrows(StorageException.class, () -> Keys.check("a".repeat(1025)));
    }

    @Test
    void joinsPrefixAndKeyWithOneSlash() {
        assertEquals("p/k", Keys.join("p", "k"));
        assertEquals("p/k", Keys.join("p/", "k"));
        assertEquals("k", Keys.join("", "k"));
    }
}
