/** Files: a source of lines or JSON lines that resumes from its position, and a rolling file sink. */
package dev.tributary.connect.file;
