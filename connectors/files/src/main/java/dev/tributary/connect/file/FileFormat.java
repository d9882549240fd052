package dev.tributary.connect.file;

/** How file contents map to records. */
public enum FileFormat {
    /** Each line is one value, as UTF-8 text. */
    LINES,
    /** Each line is one JSON document; lines that do not parse go to the dead-letter topic. */
    JSON_LINES
}
