package com.example.relying;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * A small application whose users sign in with Gatehouse (OpenID Connect, Spring Security's OAuth2 client): it shows
 * who signed in and how ({@code amr}, {@code acr}), has a page that demands a second factor proved just now
 * (step-up), and signs out at Gatehouse too. README.md beside the pom says how to run it.
 */
@SpringBootApplication
@EnableConfigurationProperties(GatehouseSettings.class)
public class RelyingApp {

    /**
     * The application as {@link #main} starts it. Its settings are in {@code relying-app.properties}, not
     * {@code application.*}, so that its classes and resources can sit beside Gatehouse's on one class path (Gatehouse's
     * browser test starts it in its own JVM).
     */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(RelyingApp.class).properties("spring.config.name=relying-app");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
