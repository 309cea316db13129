package dev.gatehouse.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.springframework.stereotype.Controller;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import dev.gatehouse.web.signin.CodeWords;
import dev.gatehouse.web.signin.SentCodeWords;

/**
 * The shape of the web layer: one package per page feature, matching the template folders (signin, signup, invite,
 * account, settings with a sub-package per method group, dev), standing on dev.gatehouse.web (security rules,
 * {@code @ConfirmFirst}, {@code @CurrentUser}, Messages and the few helpers several features share).
 */
// The same import as ModuleBoundariesTest, so ArchUnit imports the main classes once per JVM (its cache is keyed by
// packages and options). Every rule below names the web packages itself, and no @Controller sits outside them.
@AnalyzeClasses(packages = "dev.gatehouse", importOptions = ModuleBoundariesTest.MainClassesOnly.class)
class WebLayerTest {

    private static final String WEB = "dev.gatehouse.web";
    private static final String FEATURES = "dev.gatehouse.web.*..";

    @ArchTest
    static final ArchRule controllersDoNotUseControllers = noClasses().that().areAnnotatedWith(Controller.class)
            .should().dependOnClassesThat(resideInAPackage("dev.gatehouse..").and(annotatedWith(Controller.class)))
            .because("a controller answers its own routes; what pages share lives in a helper (CodeWords,"
                    + " ReconfirmLinks, BackupCodesToShow, ...), never in another controller (Boot's error"
                    + " controller, which ErrorAnswers extends, is not one of ours)");

    @ArchTest
    static final ArchRule featuresDoNotDependOnEachOther = slices().matching("dev.gatehouse.web.(*)..")
            .should().notDependOnEachOther()
            .ignoreDependency(resideInAPackage("dev.gatehouse.web.settings.."),
                    belongToAnyOf(CodeWords.class, SentCodeWords.class))
            .because("each feature uses only dev.gatehouse.web; the one exception: \"Confirm it's you\" and the"
                    + " setup of a code method show the code step's words of sign-in (CodeWords, SentCodeWords),"
                    + " as their templates include signin/sent-code");

    @ArchTest
    static final ArchRule settingsMethodGroupsDoNotDependOnEachOther = slices()
            .matching("dev.gatehouse.web.settings.(*)..").should().notDependOnEachOther()
            .because("each method group stands on dev.gatehouse.web.settings alone");

    @ArchTest
    static final ArchRule settingsDoesNotDependOnItsMethodGroups = noClasses().that()
            .resideInAPackage("dev.gatehouse.web.settings")
            .should().dependOnClassesThat().resideInAPackage("dev.gatehouse.web.settings.*..")
            .because("the method groups use the settings helpers (BackupCodesToShow, CodeDestinations), not the"
                    + " other way round");

    @ArchTest
    static final ArchRule rootDoesNotDependOnFeatures = noClasses().that().resideInAPackage(WEB)
            .should().dependOnClassesThat().resideInAPackage(FEATURES)
            .because("dev.gatehouse.web is what every feature stands on");

    @ArchTest
    static final ArchRule controllersSitInFeaturePackages = classes().that().areAnnotatedWith(Controller.class)
            .and().doNotHaveFullyQualifiedName("dev.gatehouse.web.DeniedController")
            .and().doNotHaveFullyQualifiedName("dev.gatehouse.web.ErrorAnswers")
            .should().resideInAPackage(FEATURES)
            .because("a page's controller sits in the package of its template folder; only /denied and /error"
                    + " (denied.html and error.html, at the top of the templates), the security rules' and the"
                    + " container's own pages, stay in dev.gatehouse.web");
}
