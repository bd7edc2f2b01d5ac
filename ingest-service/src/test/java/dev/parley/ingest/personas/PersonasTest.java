package dev.parley.ingest.personas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.ingest.ApiException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Persona versions and names")
class PersonasTest {

    @Test
    @DisplayName("a version is the first 12 hex digits of the text's SHA-256: the same text, the same version")
    void version() {
        // sha256("hello") = 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
        assertEquals("2cf24dba5fb0", Personas.version("hello"));
        assertEquals(Personas.version("Ahoy, wörld"), Personas.version("Ahoy, wörld"));
        assertNotEquals(Personas.version("hello"), Personas.version("hello "));
    }

    @Test
    @DisplayName("names are 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit; others get 400")
    void names() {
        assertEquals("pirate-v2.en_gb", Personas.requireName("pirate-v2.en_gb"));
        assertEquals("a".repeat(64), Personas.requireName("a".repeat(64)));
        for (String bad : new String[] {"", "Pirate", "-pirate", "a".repeat(65), "pi rate", "pi/rate", null}) {
            ApiException e = assertThrows(ApiException.class, () -> Personas.requireName(bad));
            assertEquals(400, e.status());
            assertEquals("bad_persona_name", e.code());
        }
    }
}
