/** One translator per plan node type, each with the operator it builds. */
package dev.tributary.runtime.internal.translate;
