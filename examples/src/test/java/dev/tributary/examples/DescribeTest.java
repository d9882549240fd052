package dev.tributary.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** {@code --describe}: every example's topology as SVG, DOT or text, with nothing started. */
class DescribeTest {
    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Examples(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyExampleDrawsItsTopologyAsSvg() throws Exception {
        for (String example : Examples.jobNames()) {
            Run svg = run(example, "--describe", "svg");
            assertEquals(Examples.OK, svg.exitCode(), example + ": " + svg.err());
            Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(svg.out().getBytes(StandardCharsets.UTF_8)));
            assertEquals("svg", document.getDocumentElement().getTagName(), example);
            assertTrue(document.getElementsByTagName("g").getLength() >= 3, example + ": " + svg.out());
        }
    }

    @Test
    void dotAndTextNameTheTopicsGivenAndAnUnknownFormatIsAUsageError() {
        Run dot = run("word-count", "--describe", "dot", "--input", "text-lines");
        assertEquals(Examples.OK, dot.exitCode(), dot.err());
        assertTrue(dot.out().startsWith("digraph topology {") && dot.out().contains("\"topic:text-lines\""), dot.out());
        Run text = run("word-count", "--describe", "text");
        assertTrue(text.out().startsWith("Topology ("), text.out());
        Run wrong = run("word-count", "--describe", "png");
        assertEquals(Examples.USAGE, wrong.exitCode());
        assertTrue(wrong.err().startsWith("error: --describe takes text, dot or svg, not 'png'"), wrong.err());
        assertEquals("", wrong.out(), "nothing on standard output");
    }
}
