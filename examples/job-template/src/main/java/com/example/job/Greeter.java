package com.example.job;

/** A service the job uses, bound by {@link TemplateModule}: replace it with your own. */
public interface Greeter {
    /**
     * Decorates a value.
     *
     * @param value the input value
     * @return the output value
     */
    String greet(String value);
}
