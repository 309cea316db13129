package dev.gatehouse.notify;

import org.springframework.test.context.ContextConfiguration;

import dev.gatehouse.testsupport.Databases;

@ContextConfiguration(initializers = Databases.Postgres.class)
class OutboxSmtpOnPostgresTest extends OutboxSmtpTests {
}
