package dev.tributary.runtime.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layers of docs/ARCHITECTURE.md, enforced: what a user programs against sees nothing of ours,
 * state never sees the runtime, and the processing core, compiler and translators never see the
 * Pulsar adapter, so that they stay testable without a broker.
 */
@AnalyzeClasses(packages = "dev.tributary", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {
    private static final String[] ADAPTER = {"dev.tributary.runtime.internal.pulsar..",
        "dev.tributary.runtime.internal.input..", "dev.tributary.runtime.internal.output..",
        "dev.tributary.runtime.internal.task..", "dev.tributary.runtime.internal.ownership..",
        "dev.tributary.runtime.internal.changelog..", "dev.tributary.runtime.internal.connect..",
        "org.apache.pulsar.client.impl.."};

    @ArchTest
    static final ArchRule theDslDependsOnNothingOfOurs = noClasses().that().resideInAPackage("dev.tributary.dsl..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.tributary.state..", "dev.tributary.runtime..",
                    "dev.tributary.testkit..", "dev.tributary.connect..", "org.rocksdb..", "com.google.inject..");

    @ArchTest
    static final ArchRule stateNeverDependsOnTheRuntime = noClasses().that().resideInAPackage("dev.tributary.state..")
            .should().dependOnClassesThat().resideInAPackage("dev.tributary.runtime..");

    @ArchTest
    static final ArchRule theCoreCompilerAndTranslatorsNeverSeeThePulsarAdapter = noClasses().that()
            .resideInAnyPackage("dev.tributary.runtime.internal.core..", "dev.tributary.runtime.internal.compile..",
                    "dev.tributary.runtime.internal.translate..", "dev.tributary.runtime.internal.state..",
                    "dev.tributary.runtime.internal.keygroup..")
            .should().dependOnClassesThat().resideInAnyPackage(ADAPTER);

    @ArchTest
    static final ArchRule rocksDbStaysInsideState = noClasses().that().resideOutsideOfPackage("dev.tributary.state..")
            .should().dependOnClassesThat().resideInAPackage("org.rocksdb..");

    @ArchTest
    static final ArchRule guiceStaysInTheBootstrap = noClasses().that()
            .resideOutsideOfPackages("dev.tributary.runtime.inject..", "dev.tributary.runtime.launcher..")
            .should().dependOnClassesThat().resideInAPackage("com.google.inject..");

    @ArchTest
    static final ArchRule runtimeInternalsHaveNoCycles = slices()
            .matching("dev.tributary.runtime.internal.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule modulesHaveNoCycles = slices().matching("dev.tributary.(*)..").should().beFreeOfCycles();
}
