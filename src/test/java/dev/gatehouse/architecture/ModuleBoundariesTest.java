package dev.gatehouse.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The allowed dependencies between the top-level modules of DESIGN.md section 3. Lower modules never see higher
 * ones; web and api sit on top; nothing depends on web.
 */
@AnalyzeClasses(packages = "dev.gatehouse", importOptions = ModuleBoundariesTest.MainClassesOnly.class)
class ModuleBoundariesTest {

    /** Main classes only, whatever the build folder is called (parallel builds use target-*). */
    static final class MainClassesOnly implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("/test-classes/");
        }
    }

    @ArchTest
    static final ArchRule modulesHaveNoCycles = slices().matching("dev.gatehouse.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule modulesDependOnlyDownwards = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("system").definedBy("dev.gatehouse.system..")
            .layer("crypto").definedBy("dev.gatehouse.crypto..")
            .layer("audit").definedBy("dev.gatehouse.audit..")
            .layer("notify").definedBy("dev.gatehouse.notify..")
            .layer("user").definedBy("dev.gatehouse.user..")
            .layer("account").definedBy("dev.gatehouse.account..")
            .layer("factor").definedBy("dev.gatehouse.factor..")
            .layer("signin").definedBy("dev.gatehouse.signin..")
            .layer("oidc").definedBy("dev.gatehouse.oidc..")
            .layer("web").definedBy("dev.gatehouse.web..")
            .layer("api").definedBy("dev.gatehouse.api..")
            .whereLayer("web").mayNotBeAccessedByAnyLayer()
            .whereLayer("api").mayNotBeAccessedByAnyLayer()
            .whereLayer("oidc").mayOnlyBeAccessedByLayers("web", "api")
            .whereLayer("signin").mayOnlyBeAccessedByLayers("oidc", "web", "api")
            .whereLayer("factor").mayOnlyBeAccessedByLayers("signin", "oidc", "web", "api")
            .whereLayer("account").mayOnlyBeAccessedByLayers("factor", "signin", "oidc", "web", "api")
            .whereLayer("user").mayOnlyBeAccessedByLayers("account", "factor", "signin", "oidc", "web", "api")
            .whereLayer("notify").mayOnlyBeAccessedByLayers("user", "account", "factor", "signin", "oidc", "web", "api")
            .whereLayer("audit").mayOnlyBeAccessedByLayers("notify", "user", "account", "factor", "signin", "oidc", "web", "api")
            .whereLayer("crypto").mayOnlyBeAccessedByLayers("notify", "user", "account", "factor", "signin", "oidc", "web", "api")
            .withOptionalLayers(true);

    /** Method plug-ins compute; they never reach the sign-in flow or each other. */
    @ArchTest
    static final ArchRule factorPluginsAreIndependent = slices().matching("dev.gatehouse.factor.(*)..")
            .should().notDependOnEachOther();

    /** Classes only a method's own package, or its settings page, may use: they are one method's machinery. */
    private static final DescribedPredicate<JavaClass> A_CONCRETE_METHOD = JavaClass.Predicates
            .resideInAPackage("dev.gatehouse.factor.(*)..")
            .or(JavaClass.Predicates.simpleName("BackupCodeService"))
            .or(JavaClass.Predicates.simpleName("BackupCodeUse"))
            .or(JavaClass.Predicates.simpleName("CodeChallenges"))
            .or(JavaClass.Predicates.simpleName("SentCodeMethod"))
            .or(JavaClass.Predicates.simpleName("SentCodeSecondFactor"))
            .or(JavaClass.Predicates.simpleName("SecretMethod"))
            .as("a concrete method (a factor plug-in package, or one method's engine)");

    /**
     * Sign-in, re-confirmation, "Try another way" and the Security tab ask the registered {@code SecondFactorMethod}s
     * what they are; none names one (docs/adding-a-method.md). Each method's settings page (a sub-package of
     * web.settings) may name its own.
     */
    @ArchTest
    static final ArchRule signInAndSettingsNameNoMethod = noClasses()
            .that().resideInAnyPackage("dev.gatehouse.signin..", "dev.gatehouse.web", "dev.gatehouse.web.signin..",
                    "dev.gatehouse.web.settings")
            .should().dependOnClassesThat(A_CONCRETE_METHOD)
            .orShould().callMethod(dev.gatehouse.factor.FactorService.class, "checkCode", java.util.UUID.class,
                    dev.gatehouse.factor.FactorType.class, String.class, dev.gatehouse.system.ClientInfo.class)
            .because("a new method is one package, its settings page and templates, and one migration");

    /**
     * The sign-in state machine decides; it knows the browser only through the {@code BrowserSession} port, so it is
     * driven in unit tests without HTTP. Only the adapter in {@code signin.servlet} knows the servlet API.
     */
    @ArchTest
    static final ArchRule signInLogicKnowsNoServletApi = noClasses()
            .that().resideInAPackage("dev.gatehouse.signin..")
            .and().resideOutsideOfPackage("dev.gatehouse.signin.servlet..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.servlet..")
            .because("only signin.servlet adapts a servlet request to a BrowserSession");

    @ArchTest
    static final ArchRule timeComesFromTheInjectedClock = noClasses().should()
            .callMethod(java.time.Instant.class, "now")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(java.time.LocalDateTime.class, "now")
            .because("logic takes time from the injected Clock so tests can fix it");
}
