package com.example.job;

import com.google.inject.AbstractModule;

/**
 * The job's own bindings. Listed in {@code META-INF/services/com.google.inject.Module}, so the
 * launcher installs it next to Tributary's.
 */
public final class TemplateModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(Greeter.class).toInstance(value -> "hello, " + value);
    }
}
