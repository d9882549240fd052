package dev.tributary.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Benchmarks measure the runtime from outside: no class of this module lives in a runtime package to reach its internals. */
@AnalyzeClasses(packages = "dev.tributary", importOptions = {ImportOption.DoNotIncludeTests.class,
    PlacementTest.ThisModule.class})
class PlacementTest {
    /** The classes this module builds, not those of the modules it depends on. */
    static final class ThisModule implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return location.contains("/bench/target/classes/");
        }
    }

    @ArchTest
    static final ArchRule noBenchClassLivesInARuntimePackage = noClasses()
            .should().resideInAPackage("dev.tributary.runtime..");
}
