package dev.tributary.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
    private static final Path PAGE = Path.of("..", "docs", "CONFIGURATION.md");

    /** Regenerate with: mvn -pl runtime test -Dtest=ConfigReferenceTest -Dtributary.docs.update=true */
    @Test
    void theConfigurationPageIsGeneratedFromTheDefinitions() throws Exception {
        if (Boolean.getBoolean("tributary.docs.update")) {
            Files.writeString(PAGE, ConfigReference.markdown());
        }
        assertEquals(ConfigReference.markdown(), Files.readString(PAGE), "docs/CONFIGURATION.md is out of date;"
                + " regenerate it with: mvn -pl runtime test -Dtest=ConfigReferenceTest -Dtributary.docs.update=true");
    }
}
