package org.libphs;

/** An input field of the rule set's dictionary. */
public record Field(int id, String name, FieldType type) {}
