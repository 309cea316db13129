package dev.gatehouse.notify;

import org.springframework.test.context.ContextConfiguration;

import dev.gatehouse.testsupport.Databases;

@ContextConfiguration(initializers = Databases.H2.class)
class OutboxSmtpOnH2Test extends OutboxSmtpTests {
}
