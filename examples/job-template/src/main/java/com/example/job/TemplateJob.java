package com.example.job;

import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.config.Secret;
import dev.tributary.runtime.Job;
import jakarta.inject.Inject;
import java.util.List;
import org.apache.pulsar.client.api.Schema;

/**
 * The template's job: greets every value of the input topic into the output topic. Declared in
 * {@code META-INF/services/dev.tributary.runtime.Job}, so {@code java -jar my-job.jar} starts it.
 */
public final class TemplateJob implements Job {
    /** Where the job reads. */
    public static final ConfigOption<String> INPUT = ConfigOption.key("template.input").stringType()
            .defaultValue("names").description("The topic the job reads names from.");
    /** Where the job writes. */
    public static final ConfigOption<String> OUTPUT = ConfigOption.key("template.output").stringType()
            .defaultValue("greetings").description("The topic the job writes greetings to.");
    /** A secret of the job's own: shown as ****** in the banner and in errors. */
    public static final ConfigOption<Secret> API_KEY = ConfigOption.key("template.api-key").secretType()
            .description("A credential for an outside service (unused here; shows how secrets are kept).");

    private final Greeter greeter;

    /**
     * Created by the launcher's injector.
     *
     * @param greeter bound by {@link TemplateModule}
     */
    @Inject
    public TemplateJob(Greeter greeter) {
        this.greeter = greeter;
    }

    @Override
    public String name() {
        return "template-job";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(INPUT, OUTPUT, API_KEY);
    }

    @Override
    public Topology topology(Configuration config) {
        Greeter greeter = this.greeter;
        StreamBuilder builder = new StreamBuilder();
        builder.stream(config.get(INPUT), Schema.STRING)
                .mapValues(greeter::greet)
                .to(config.get(OUTPUT), Produced.with(Schema.STRING, Schema.STRING));
        return builder.build();
    }
}
